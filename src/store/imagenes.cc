#include "store/imagenes.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace prep::store {
namespace {

Status SyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": cannot open to sync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IoError(path + ": fsync failed: " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Status SincronizarCarpeta(const std::string& dir) { return SyncPath(dir, O_RDONLY | O_DIRECTORY); }

Result<TipoImagen> TipoPorContenido(std::string_view b) {
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8))
    return TipoImagen::kPng;
  if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") return TipoImagen::kJpeg;
  if (b.size() >= 5 && b.substr(0, 5) == "%PDF-") return TipoImagen::kPdf;
  return Status::InvalidArgument(
      "the file is not a PNG, JPEG or PDF image (checked by its content)");
}

std::string_view ExtensionDe(TipoImagen t) {
  switch (t) {
    case TipoImagen::kPng:
      return "png";
    case TipoImagen::kJpeg:
      return "jpg";
    case TipoImagen::kPdf:
      return "pdf";
  }
  return "";
}

std::string_view MimeDe(TipoImagen t) {
  switch (t) {
    case TipoImagen::kPng:
      return "image/png";
    case TipoImagen::kJpeg:
      return "image/jpeg";
    case TipoImagen::kPdf:
      return "application/pdf";
  }
  return "";
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

Result<ImagenGuardada> GuardarImagen(const std::string& folder, std::string_view bytes) {
  if (bytes.empty()) return Status::InvalidArgument("the image is empty");
  if (static_cast<int64_t>(bytes.size()) > kMaxBytesImagen) {
    return Status::InvalidArgument("the image has " + std::to_string(bytes.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxBytesImagen));
  }
  PREP_ASSIGN_OR_RETURN(TipoImagen tipo, TipoPorContenido(bytes));
  ImagenGuardada out;
  out.sha256 = Sha256Hex(bytes);
  out.tipo = tipo;
  out.bytes = static_cast<int64_t>(bytes.size());
  const std::string sub = out.sha256.substr(0, 2);
  out.ruta = sub + "/" + out.sha256 + "." + std::string(ExtensionDe(tipo));
  const std::string dir = folder + "/" + sub;
  const std::string final_path = folder + "/" + out.ruta;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create: " + ec.message());
  if (std::filesystem::exists(final_path, ec)) {
    out.ya_existia = true;
    return out;
  }
  std::random_device rd;
  const std::string tmp = final_path + ".tmp" + std::to_string(rd());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(tmp + ": cannot create: " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError(tmp + ": write failed: " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::IoError(tmp + ": fsync failed");
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError(final_path + ": rename failed: " + std::strerror(errno));
  }
  PREP_RETURN_IF_ERROR(SincronizarCarpeta(dir));
  return out;
}

}  // namespace prep::store
