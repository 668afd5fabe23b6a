#include "store/imagenes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace prep::store {
namespace {

namespace fs = std::filesystem;

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "rest-of-a-png";

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
  EXPECT_EQ(*TipoPorContenido("\xFF\xD8\xFF\xE0 jfif"), TipoImagen::kJpeg);
  EXPECT_EQ(*TipoPorContenido("%PDF-1.7\n"), TipoImagen::kPdf);
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
