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

namespace {

uint32_t Be16(std::string_view b, size_t i) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[i])) << 8) | static_cast<uint8_t>(b[i + 1]);
}
uint32_t Be32(std::string_view b, size_t i) { return (Be16(b, i) << 16) | Be16(b, i + 2); }

Status DentroDeLimites(uint32_t ancho, uint32_t alto, const char* tipo) {
  if (ancho == 0 || alto == 0) {
    return Status::InvalidArgument(std::string(tipo) + " image with a zero width or height");
  }
  if (ancho > kMaxLadoImagen || alto > kMaxLadoImagen ||
      static_cast<uint64_t>(ancho) * alto > kMaxPixelesImagen) {
    return Status::InvalidArgument(
        std::string(tipo) + " image of " + std::to_string(ancho) + " x " + std::to_string(alto) +
        " pixels: more than an acta scanned at 600 dpi needs (at most " +
        std::to_string(kMaxLadoImagen) + " a side and " + std::to_string(kMaxPixelesImagen) +
        " pixels); a picture that large could stop the browsers that show it");
  }
  return Status::Ok();
}

// PNG: the IHDR chunk must come first (RFC 2083 §3.2): length 13, then width and height.
Status RevisarPng(std::string_view b) {
  if (b.size() < 24 || Be32(b, 8) != 13 || b.substr(12, 4) != "IHDR") {
    return Status::InvalidArgument("PNG image without its IHDR header");
  }
  return DentroDeLimites(Be32(b, 16), Be32(b, 20), "PNG");
}

// JPEG: the markers up to the first frame header (SOF0–SOF15 but DHT, JPG and DAC), whose
// bytes 3–6 are the height and the width (ITU T.81 §B.2.2).
Status RevisarJpeg(std::string_view b) {
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (static_cast<uint8_t>(b[i]) != 0xFF) break;
    const uint8_t marca = static_cast<uint8_t>(b[i + 1]);
    if (marca == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marca == 0xD8 || marca == 0x01 || (marca >= 0xD0 && marca <= 0xD7)) {  // no length
      i += 2;
      continue;
    }
    if (marca == 0xD9 || marca == 0xDA) break;  // end of image, or scan data before any frame
    const uint32_t largo = Be16(b, i + 2);
    if (largo < 2) break;
    const bool sof =
        marca >= 0xC0 && marca <= 0xCF && marca != 0xC4 && marca != 0xC8 && marca != 0xCC;
    if (sof) {
      if (largo < 7 || i + 9 > b.size()) break;
      return DentroDeLimites(Be16(b, i + 7), Be16(b, i + 5), "JPEG");
    }
    i += 2 + largo;
  }
  return Status::InvalidArgument("JPEG image without a frame header (SOF) before its data");
}

}  // namespace

Result<TipoImagen> TipoPorContenido(std::string_view b) {
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    PREP_RETURN_IF_ERROR(RevisarPng(b));
    return TipoImagen::kPng;
  }
  if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") {
    PREP_RETURN_IF_ERROR(RevisarJpeg(b));
    return TipoImagen::kJpeg;
  }
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
