// The bytes of an input: a read-only memory mapping of a file, or bytes owned
// in memory (a zip entry, a test's string). Move-only.
// Thread-safety: immutable after construction; view() may be read by many threads.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace prep::formats {

class Bytes {
 public:
  Bytes() = default;
  explicit Bytes(std::string owned) : owned_(std::move(owned)) {}
  ~Bytes();
  Bytes(Bytes&& other) noexcept;
  Bytes& operator=(Bytes&& other) noexcept;
  Bytes(const Bytes&) = delete;
  Bytes& operator=(const Bytes&) = delete;

  // Maps a regular file; errors are "path:0: reason".
  static Result<Bytes> MapFile(const std::string& path);

  std::string_view view() const {
    return map_ != nullptr ? std::string_view(map_, map_size_) : std::string_view(owned_);
  }

 private:
  void Release();

  std::string owned_;
  const char* map_ = nullptr;
  size_t map_size_ = 0;
};

}  // namespace prep::formats
