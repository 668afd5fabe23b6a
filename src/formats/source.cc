#include "formats/source.h"

#include <zip.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "formats/prep_database.h"

namespace prep::formats {
namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

bool IsZip(std::string_view bytes) {
  return bytes.substr(0, 4) == "PK\x03\x04" || bytes.substr(0, 4) == "PK\x05\x06";
}

}  // namespace

Result<std::vector<SourceFile>> ReadZipEntries(const std::string& name, std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (src == nullptr) {
    std::string msg = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Status::InvalidArgument(name + ":0: cannot read zip: " + msg);
  }
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(src);
    std::string msg = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Status::InvalidArgument(name + ":0: not a readable zip archive: " + msg);
  }
  zip_error_fini(&error);

  std::vector<SourceFile> out;
  uint64_t total = 0;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0) continue;
    const std::string entry = st.name != nullptr ? st.name : "";
    if (entry.empty() || entry.back() == '/') continue;
    if (st.size > kMaxEntryBytes || total + st.size > kMaxArchiveBytes) {
      return Status::InvalidArgument(
          name + "!/" + entry + ":0: entry of " + std::to_string(st.size) + " bytes exceeds the " +
          std::to_string(kMaxEntryBytes >> 20) + " MiB limit (zip bomb?)");
    }
    total += st.size;
    std::unique_ptr<zip_file_t, ZipFileCloser> f(
        zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!f) {
      return Status::InvalidArgument(name + "!/" + entry +
                                     ":0: cannot open entry: " + zip_strerror(archive.get()));
    }
    SourceFile file;
    file.name = name + "!/" + entry;
    std::string content(st.size, '\0');
    zip_uint64_t done = 0;
    while (done < st.size) {
      const zip_int64_t n = zip_fread(f.get(), content.data() + done, st.size - done);
      if (n <= 0) {
        return Status::InvalidArgument(
            file.name + ":0: truncated or corrupt entry: " + zip_file_strerror(f.get()));
      }
      done += static_cast<zip_uint64_t>(n);
    }
    char extra;
    if (zip_fread(f.get(), &extra, 1) > 0) {
      return Status::InvalidArgument(file.name + ":0: entry is larger than its declared size");
    }
    file.bytes = Bytes(std::move(content));
    out.push_back(std::move(file));
  }
  return out;
}

Result<std::vector<SourceFile>> ReadResultsFiles(const std::string& path) {
  PREP_ASSIGN_OR_RETURN(Bytes bytes, Bytes::MapFile(path));
  std::vector<SourceFile> out;
  if (!IsZip(bytes.view())) {
    out.push_back({path, std::move(bytes)});
    return out;
  }
  PREP_ASSIGN_OR_RETURN(std::vector<SourceFile> entries, ReadZipEntries(path, bytes.view()));
  std::string names;
  for (SourceFile& e : entries) {
    names += (names.empty() ? "" : ", ") + e.name.substr(path.size() + 2);
    const std::string lower = [&] {
      std::string s = e.name;
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }();
    const bool csv = lower.size() > 4 && (lower.compare(lower.size() - 4, 4, ".csv") == 0 ||
                                          lower.compare(lower.size() - 4, 4, ".txt") == 0);
    if (csv && lower.find("leeme") == std::string::npos && LooksLikePrepResults(e.bytes.view())) {
      out.push_back(std::move(e));
    }
  }
  if (out.empty()) {
    return Status::InvalidArgument(path + ":0: the zip holds no PREP results CSV (entries: " +
                                   (names.empty() ? std::string("none") : names) + ")");
  }
  return out;
}

}  // namespace prep::formats
