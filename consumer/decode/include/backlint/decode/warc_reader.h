#pragma once
// decode stage for backfills: a WARC file (plain or gzip) -> the HTML responses in it as CrawledPages,
// one record at a time. Reads WARC/1.0 and 1.1, and tolerates WARC/0.17 and 0.18 (old Heritrix, ClueWeb).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "backlint/crawled_page.h"
#include "backlint/result.h"

namespace backlint {

struct WarcReaderOptions {
  // A record whose block is larger is reported and skipped without being held in memory.
  uint64_t max_record_bytes = uint64_t{64} << 20;
};

// Where a record is in the file: for plain WARC the offset of its "WARC/" line; for .warc.gz the offset
// of the gzip member it starts in, which is the record's own offset with one record per member (the
// layout the WARC standard recommends and CDX indexes use).
struct WarcPage {
  uint64_t offset = 0;
  CrawledPage page;
};

// A record that could not be read (bad header, bad length, truncation, bad gzip); the reader skips it.
struct WarcProblem {
  uint64_t offset = 0;
  std::string reason;
};

using WarcItem = std::variant<WarcPage, WarcProblem>;

class WarcReader {
 public:
  // Fails only when the file cannot be opened; everything inside it is reported by Next().
  static Result<WarcReader> Open(const std::string& path, WarcReaderOptions options = {});

  WarcReader(WarcReader&&) noexcept;
  WarcReader& operator=(WarcReader&&) noexcept;
  ~WarcReader();

  // The next HTML response or problem; nullopt at the end of the file. Other records are counted and
  // skipped.
  std::optional<WarcItem> Next();

  // Records whose header could be read, by WARC-Type ("response", "request", "warcinfo", ...).
  const std::map<std::string, uint64_t>& records_by_type() const;
  uint64_t records() const;

  // Why reading the file failed (an I/O error, as strerror says), or empty. An error ends the records as
  // the end of the file does, so check it once Next() returns nullopt: the rest of the archive was not read.
  const std::string& read_error() const;

 private:
  class Impl;
  explicit WarcReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace backlint
