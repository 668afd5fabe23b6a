#include "store/imagenes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "imagen_de_prueba.h"

namespace prep::store {
namespace {

namespace fs = std::filesystem;

const std::string kPng = prep::testing::PngDePrueba("an acta");

class ImagenesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_img_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ImagenesTest, StoresByHashOnceAndDetectsTypeByContent) {
  auto a = GuardarImagen(dir_.string(), kPng);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->tipo, TipoImagen::kPng);
  EXPECT_EQ(a->sha256, Sha256Hex(kPng));
  EXPECT_FALSE(a->ya_existia);
  std::ifstream in(dir_ / a->ruta, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), kPng);
  auto again = GuardarImagen(dir_.string(), kPng);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ya_existia);
  EXPECT_EQ(again->ruta, a->ruta);
}

TEST_F(ImagenesTest, KnownDigest) {
  // SHA-256 of "abc" (FIPS 180-2 test vector).
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ImagenesTest, JpegAndPdfAccepted) {
  auto jpeg = TipoPorContenido(prep::testing::JpegDePrueba(5100, 6600));  // carta, 600 dpi
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().message();
  EXPECT_EQ(*jpeg, TipoImagen::kJpeg);
  EXPECT_EQ(*TipoPorContenido("%PDF-1.7\n"), TipoImagen::kPdf);
}

// An image bomb: a few bytes that declare more pixels than any browser should be asked to
// decode. The declared size is read from the header; nothing is decoded.
TEST_F(ImagenesTest, ImageBombsAndHeaderlessImagesAreRefused) {
  using prep::testing::JpegDePrueba;
  using prep::testing::PngDePrueba;
  EXPECT_TRUE(TipoPorContenido(PngDePrueba("ok", 5100, 8400)).ok());  // oficio, 600 dpi
  EXPECT_TRUE(TipoPorContenido(PngDePrueba("ok", 8000, 6000)).ok());  // a 48 MP phone
  for (const std::string& bomba :
       {PngDePrueba("x", 100000, 100000), PngDePrueba("x", 12001, 10), PngDePrueba("x", 9000, 9000),
        JpegDePrueba(65535, 65535), JpegDePrueba(12001, 100)}) {
    auto r = GuardarImagen(dir_.string(), bomba);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("pixels"), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(TipoPorContenido(PngDePrueba("x", 0, 10)).ok());
  // The signature alone, or a JPEG whose scan comes before any frame header.
  EXPECT_FALSE(TipoPorContenido(std::string("\x89PNG\r\n\x1a\n", 8) + "no header").ok());
  EXPECT_FALSE(TipoPorContenido("\xFF\xD8\xFF\xE0 jfif").ok());
  EXPECT_FALSE(TipoPorContenido(std::string("\xFF\xD8\xFF\xDA\x00\x02", 6)).ok());
  EXPECT_FALSE(fs::exists(dir_) && !fs::is_empty(dir_));
}

TEST_F(ImagenesTest, TextRenamedJpgIsRefusedAndNothingWritten) {
  auto r = GuardarImagen(dir_.string(), "this is a text file named acta.jpg");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a PNG, JPEG or PDF"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_) && !fs::is_empty(dir_));
}

TEST_F(ImagenesTest, EmptyAndOversizedRefused) {
  EXPECT_FALSE(GuardarImagen(dir_.string(), "").ok());
  std::string big = kPng + std::string(kMaxBytesImagen, 'x');
  EXPECT_FALSE(GuardarImagen(dir_.string(), big).ok());
}

}  // namespace
}  // namespace prep::store
