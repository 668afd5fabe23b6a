#include "formats/bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace prep::formats {

Bytes::~Bytes() { Release(); }

Bytes::Bytes(Bytes&& other) noexcept
    : owned_(std::move(other.owned_)), map_(other.map_), map_size_(other.map_size_) {
  other.map_ = nullptr;
  other.map_size_ = 0;
}

Bytes& Bytes::operator=(Bytes&& other) noexcept {
  if (this != &other) {
    Release();
    owned_ = std::move(other.owned_);
    map_ = other.map_;
    map_size_ = other.map_size_;
    other.map_ = nullptr;
    other.map_size_ = 0;
  }
  return *this;
}

void Bytes::Release() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_size_);
  map_ = nullptr;
  map_size_ = 0;
}

Result<Bytes> Bytes::MapFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ":0: cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ":0: not a regular file");
  }
  Bytes bytes;
  if (st.st_size == 0) {
    ::close(fd);
    return bytes;
  }
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                   fd, 0);
  const int map_errno = errno;
  ::close(fd);
  if (p == MAP_FAILED) return Status::IoError(path + ":0: cannot map: " + std::strerror(map_errno));
  bytes.map_ = static_cast<const char*>(p);
  bytes.map_size_ = static_cast<size_t>(st.st_size);
  return bytes;
}

}  // namespace prep::formats
