// Runs the real `prep` binary as a user would: exit codes, --json, and the
// "file:line: reason" message on malformed input (which must never crash).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;
const std::string kData = PREP_SHARED_DATA;
const std::string kQrooCsv = kData + "/qroo2019-prep-final/unzipped/QROO_DIP_LOC_2019.csv";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CheckCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  Outcome Prep(const std::string& args) {
    const std::string out = (dir_ / "stdout").string();
    const std::string err = (dir_ / "stderr").string();
    const std::string cmd = std::string(PREP_BINARY) + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    Outcome r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  // Malformed input: exit 2, one "file:line: reason" line, nothing on stdout.
  void ExpectRefused(const std::string& path, const std::string& reason_part) {
    const Outcome r = Prep("check '" + path + "'");
    EXPECT_EQ(r.exit_code, 2) << r.err << r.out.substr(0, 500);
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(std::regex_search(r.err, std::regex("^[^\\n]+:[0-9]+: [^\\n]+\\n$"))) << r.err;
    EXPECT_NE(r.err.find(reason_part), std::string::npos) << r.err;
  }

  fs::path dir_;
};

TEST_F(CheckCli, JsonOnTheQuintanaRooZip) {
  const Outcome r =
      Prep("check --json " + kData + "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& pub = j["summary"]["published"];
  const auto& rec = j["summary"]["recomputed"];
  EXPECT_EQ(pub.size(), 13u);
  EXPECT_EQ(pub["ACTAS_ESPERADAS"], 2136);
  EXPECT_EQ(pub["PORCENTAJE_ACTAS_CONTABILIZADAS"], "95.0842");
  EXPECT_EQ(rec["PORCENTAJE_PARTICIPACION_CIUDADANA"], "22.1523");
  EXPECT_EQ(rec["TOTAL_VOTOS_C_CS"], 263005);
  EXPECT_TRUE(j["summary"]["mismatches"].empty());
  EXPECT_EQ(j["columns"]["MORENA"], 68044);
  EXPECT_TRUE(j["columns"]["PAN"].is_number_integer());
  EXPECT_EQ(j["actas"]["rows"], 2136);
  EXPECT_EQ(j["actas"]["catalogue"], 2136);
  EXPECT_EQ(j["actas"]["fuera_de_catalogo"], 0);
  EXPECT_EQ(j["actas"]["not_captured"], 0);
  EXPECT_EQ(j["reclassification"]["agree"], 2130);
  EXPECT_EQ(j["reclassification"]["disagree"], 6);
  EXPECT_EQ(j["reclassification"]["reasons"]["excede_lista_nominal"], 6);
  EXPECT_FALSE(j["reclassification"]["examples"]["excede_lista_nominal"].empty());
  // Percentages: strings with exactly four decimals.
  for (const auto& [k, v] : rec.items()) {
    if (k.rfind("PORCENTAJE", 0) == 0) {
      EXPECT_TRUE(std::regex_match(v.get<std::string>(), std::regex("[0-9]+\\.[0-9]{4}"))) << k;
    } else {
      EXPECT_TRUE(v.is_number_integer()) << k;
    }
  }
}

TEST_F(CheckCli, PueblaExitsOneAndNamesTheField) {
  const Outcome r =
      Prep("check --json " + kData + "/pue2018-prep/20180702_2000_PREP_GOB_PUE/PUE_GOB_2018.csv");
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["summary"]["mismatches"], nlohmann::json::array({"ACTAS_NO_CONTABILIZADAS"}));
  EXPECT_EQ(j["summary"]["published"]["ACTAS_NO_CONTABILIZADAS"], 1174);
  EXPECT_EQ(j["summary"]["recomputed"]["ACTAS_NO_CONTABILIZADAS"], 1175);
}

TEST_F(CheckCli, HumanOutputIsASpanishTable) {
  const Outcome r = Prep("check " + kQrooCsv);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Bloque de resumen"), std::string::npos);
  EXPECT_NE(r.out.find("ACTAS_CONTABILIZADAS                        2031          2031   ok"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("coincide con sus propias filas"), std::string::npos);
}

TEST_F(CheckCli, TruncatedFile) {
  const std::string whole = Slurp(kQrooCsv);
  ExpectRefused(Write("truncated.csv", whole.substr(0, whole.size() / 2 + 37)),
                "fields where the header");
}

TEST_F(CheckCli, WrongDelimiter) {
  // A pipe file announced as comma-separated.
  ExpectRefused(Write("wrong.csv", "sep=,\n" + Slurp(kQrooCsv).substr(6)), "declares sep=,");
  // Rows in another delimiter than their header.
  std::string mixed = Slurp(kQrooCsv);
  const size_t table = mixed.find("\n=\"230085B0100\"");
  for (size_t i = table; i < mixed.size(); ++i) {
    if (mixed[i] == '|') mixed[i] = ';';
  }
  ExpectRefused(Write("mixed.csv", mixed), "is the delimiter '|'?");
}

TEST_F(CheckCli, BinaryGarbage) {
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 24));
  }
  ExpectRefused(Write("garbage.csv", garbage), "");
}

TEST_F(CheckCli, HundredMegabyteLine) {
  const std::string head = Slurp(kQrooCsv).substr(0, 2000);
  const std::string path = (dir_ / "long.csv").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << head.substr(0, head.find("\n=\"230085B0100\"") + 1);
    const std::string chunk(1 << 20, '7');
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "\n";
  }
  ExpectRefused(path, "record longer than 1 MiB");
}

TEST_F(CheckCli, InvalidUtf8) {
  ExpectRefused(Write("bad_utf8.csv", "\xEF\xBB\xBF" + Slurp(kQrooCsv) + "\xFF\xFE\n"),
                "invalid UTF-8");
}

TEST_F(CheckCli, SummaryWithoutActaRows) {
  std::string whole = Slurp(kQrooCsv);
  const size_t table = whole.find("\n=\"230085B0100\"");
  ExpectRefused(Write("summary_only.csv", whole.substr(0, table + 1)), "has no rows");
}

TEST_F(CheckCli, EmptyAndMissingFiles) {
  ExpectRefused(Write("empty.csv", ""), "empty");
  ExpectRefused((dir_ / "does_not_exist.csv").string(), "cannot open");
}

TEST_F(CheckCli, CandidaturasFileIsNotAResultsDatabase) {
  ExpectRefused(kData + "/qroo2019-prep-final/unzipped/QROO_DIP_CANDIDATURAS_2019.csv",
                "no PREP header");
}

TEST_F(CheckCli, ZipWithoutResultsAndCorruptZip) {
  const std::string zip = Slurp(kData + "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
  ExpectRefused(Write("cut.zip", zip.substr(0, zip.size() / 2)), "zip");
}

// A zip bomb: 122 bytes whose one entry says it inflates to 3 GiB. Refused from the declared
// size in the central directory, before a byte is inflated or allocated.
TEST_F(CheckCli, ZipBombIsRefusedBeforeInflating) {
  std::string zip;
  const auto u16 = [&zip](uint32_t v) {
    zip.push_back(static_cast<char>(v & 0xFF));
    zip.push_back(static_cast<char>((v >> 8) & 0xFF));
  };
  const auto u32 = [&](uint32_t v) {
    u16(v & 0xFFFF);
    u16(v >> 16);
  };
  const std::string name = "bomba.csv";
  const uint32_t inflado = 0xC0000000u;  // 3 GiB
  // Local file header: version, flags, deflate, time, date, crc, sizes, name length, extra.
  u32(0x04034b50), u16(20), u16(0), u16(8), u16(0), u16(0), u32(0), u32(0), u32(inflado);
  u16(static_cast<uint32_t>(name.size())), u16(0);
  zip += name;
  const uint32_t central = static_cast<uint32_t>(zip.size());
  u32(0x02014b50), u16(20), u16(20), u16(0), u16(8), u16(0), u16(0), u32(0), u32(0), u32(inflado);
  u16(static_cast<uint32_t>(name.size())), u16(0), u16(0), u16(0), u16(0), u32(0), u32(0);
  zip += name;
  const uint32_t central_size = static_cast<uint32_t>(zip.size()) - central;
  u32(0x06054b50), u16(0), u16(0), u16(1), u16(1), u32(central_size), u32(central), u16(0);
  ASSERT_LT(zip.size(), 200u);
  ExpectRefused(Write("bomba.zip", zip), "zip bomb");
}

TEST_F(CheckCli, UsageErrorsExitTwo) {
  EXPECT_EQ(Prep("").exit_code, 2);
  EXPECT_EQ(Prep("check").exit_code, 2);
  EXPECT_EQ(Prep("check --bogus x").exit_code, 2);
  EXPECT_EQ(Prep("check --help").exit_code, 0);
}

}  // namespace
