// The event log on a real SQLite file in a temporary folder.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "store/store.h"

namespace prep::store {
namespace {

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "prep.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Store> Open() {
    auto s = OpenSqliteStore(path_);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  static EventDraft Draft(const std::string& key, const std::string& payload = "{\"n\":1}") {
    return {"captura", "230085B010002", "capturista1", "CATD01", 1700000000000, payload, key};
  }

  // Runs SQL on the file behind the store's back (a tampering administrator).
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, AppendsChainAndReadsBack) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto a = store->Append(Draft("k1"));
  auto b = store->Append(Draft("k2", "{\"n\":2}"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->event.seq, 1);
  EXPECT_EQ(a->event.prev_hash, kGenesisHash);
  EXPECT_EQ(b->event.seq, 2);
  EXPECT_EQ(b->event.prev_hash, a->event.hash);
  EXPECT_EQ(b->event.hash, EventHash(b->event));
  EXPECT_EQ(b->event.hash.size(), 64u);
  auto events = store->Read(1, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].payload, "{\"n\":2}");
  EXPECT_EQ(*store->LastSeq(), 2);
  EXPECT_TRUE(store->VerifyChain().ok());
}

TEST_F(SqliteStoreTest, SurvivesReopening) {
  std::string last_hash;
  {
    auto store = Open();
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
    last_hash = store->Read(50, 1)->front().hash;
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->LastSeq(), 50);
  auto next = store->Append(Draft("after-reopen"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->event.seq, 51);
  EXPECT_EQ(next->event.prev_hash, last_hash);
}

TEST_F(SqliteStoreTest, SameKeySameRequestIsReplayedNotApplied) {
  auto store = Open();
  auto first = store->Append(Draft("retry-me"));
  EventDraft retry = Draft("retry-me");
  retry.at_ms += 5000;  // the retry arrives later: still the same request
  auto second = store->Append(retry);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_FALSE(first->replayed);
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->event.seq, first->event.seq);
  EXPECT_EQ(*store->LastSeq(), 1);
}

TEST_F(SqliteStoreTest, SameKeyDifferentRequestIsRefusedAndChangesNothing) {
  auto store = Open();
  ASSERT_TRUE(store->Append(Draft("k")).ok());
  auto other = store->Append(Draft("k", "{\"n\":999}"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("already used"), std::string::npos);
  EXPECT_EQ(*store->LastSeq(), 1);
  // The same key from another person is another request.
  EventDraft someone_else = Draft("k");
  someone_else.actor = "capturista2";
  EXPECT_TRUE(store->Append(someone_else).ok());
}

TEST_F(SqliteStoreTest, MissingIdempotencyKeyIsRefused) {
  auto store = Open();
  EXPECT_FALSE(store->Append(Draft("")).ok());
  EXPECT_EQ(*store->LastSeq(), 0);
}

TEST_F(SqliteStoreTest, AlteredPayloadIsNamedOnOpen) {
  {
    auto store = Open();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
  }
  Tamper("UPDATE events SET payload = '{\"n\":7}' WHERE seq = 3");
  auto reopened = OpenSqliteStore(path_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("event 3 (captura, acta 230085B010002)"),
            std::string::npos)
      << reopened.status().message();
  EXPECT_NE(reopened.status().message().find("altered"), std::string::npos);
}

TEST_F(SqliteStoreTest, RehashedEventBreaksTheNextLink) {
  {
    auto store = Open();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
  }
  // A careful forger recomputes event 2's hash; event 3 still points at the old one.
  auto store = Open();
  Event e2 = store->Read(2, 1)->front();
  e2.payload = "{\"n\":42}";
  const std::string forged = EventHash(e2);
  store.reset();
  Tamper("UPDATE events SET payload = '{\"n\":42}', hash = '" + forged + "' WHERE seq = 2");
  auto reopened = OpenSqliteStore(path_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("event 3"), std::string::npos)
      << reopened.status().message();
  EXPECT_NE(reopened.status().message().find("chain is broken"), std::string::npos);
}

TEST_F(SqliteStoreTest, DeletedEventIsAGap) {
  {
    auto store = Open();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
  }
  Tamper("DELETE FROM events WHERE seq = 2");
  auto reopened = OpenSqliteStore(path_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("event 2 is missing"), std::string::npos)
      << reopened.status().message();
}

TEST_F(SqliteStoreTest, ConcurrentAppendsKeepOneChain) {
  auto store = Open();
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EventDraft d = Draft("t" + std::to_string(t) + "-" + std::to_string(i));
        d.actor = "capturista" + std::to_string(t);
        ASSERT_TRUE(store->Append(d).ok());
        if (i % 10 == 0) {
          ASSERT_TRUE(store->Append(d)->replayed);  // a retry
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store->LastSeq(), kThreads * kEach);
  EXPECT_TRUE(store->VerifyChain().ok());
  auto events = store->Read(1, 1000);
  std::set<std::string> keys;
  for (const auto& e : *events) keys.insert(e.actor + "/" + e.idempotency_key);
  EXPECT_EQ(keys.size(), static_cast<size_t>(kThreads * kEach));
}

TEST_F(SqliteStoreTest, UnopenablePathIsAClearError) {
  auto s = OpenSqliteStore((dir_ / "no" / "such" / "dir" / "prep.sqlite").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("cannot open the store"), std::string::npos);
}

}  // namespace
}  // namespace prep::store
