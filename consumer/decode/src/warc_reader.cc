#include "backlint/decode/warc_reader.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <utility>
#include <vector>

namespace backlint {
namespace {

constexpr size_t kReadChunk = size_t{1} << 16;
constexpr size_t kMaxHeaderLine = size_t{1} << 16;   // one WARC header line
constexpr size_t kMaxHeaderBlock = size_t{1} << 20;  // a record's whole WARC header
constexpr std::string_view kVersionPrefix = "WARC/";
constexpr std::array<std::string_view, 4> kKnownVersions = {"WARC/1.0", "WARC/1.1", "WARC/0.17", "WARC/0.18"};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), AsciiLower);
  return lower;
}

// The media type of a Content-Type value: "text/html; charset=utf-8" -> "text/html".
std::string MediaType(std::string_view content_type) {
  return Lower(Trim(content_type.substr(0, content_type.find(';'))));
}

bool IsGzipMagic(std::string_view bytes) {
  return bytes.size() >= 2 && bytes[0] == '\x1f' && bytes[1] == '\x8b';
}

using Headers = std::vector<std::pair<std::string, std::string>>;

// The last value of header `name` (a later repetition overrides, as for HTTP's singleton fields), or empty.
std::string_view HeaderValue(const Headers& headers, std::string_view name) {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (EqualsIgnoreCase(it->first, name)) return it->second;
  }
  return {};
}

// "Name: value" lines, as in WARC and HTTP headers; a line starting with a space or tab continues the
// previous value (obsolete folding, still written by old crawlers). Lines without a colon are ignored.
void AddHeaderLine(std::string_view line, Headers& headers) {
  if (!headers.empty() && (line.starts_with(' ') || line.starts_with('\t'))) {
    headers.back().second += ' ';
    headers.back().second += Trim(line);
    return;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  headers.emplace_back(std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
}

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Inflates a whole zlib or gzip buffer (windowBits 15+32 detects which); nullopt on bad data or when the
// output would exceed `max_bytes`.
std::optional<std::string> InflateAll(std::string_view compressed, uint64_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  std::array<char, kReadChunk> chunk;
  int status = Z_OK;
  while (status == Z_OK && out.size() <= max_bytes) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END || out.size() > max_bytes) return std::nullopt;
  return out;
}

// The body of a chunked transfer coding, or nullopt when `body` is not validly chunked.
std::optional<std::string> Dechunk(std::string_view body) {
  std::string out;
  while (true) {
    const size_t line_end = body.find('\n');
    if (line_end == std::string_view::npos) return std::nullopt;
    std::string_view size_text = Trim(body.substr(0, line_end));
    size_text = Trim(size_text.substr(0, size_text.find(';')));  // chunk extensions
    uint64_t size = 0;
    const auto [end, error] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (size_text.empty() || error != std::errc() || end != size_text.data() + size_text.size())
      return std::nullopt;
    body.remove_prefix(line_end + 1);
    if (size == 0) return out;  // trailers, if any, are not needed
    if (size > body.size()) return std::nullopt;
    out.append(body.substr(0, size));
    body.remove_prefix(size);
    if (body.starts_with("\r\n")) {
      body.remove_prefix(2);
    } else if (body.starts_with('\n')) {
      body.remove_prefix(1);
    } else {
      return std::nullopt;
    }
  }
}

bool IsHtml(std::string_view content_type) {
  const std::string media_type = MediaType(content_type);
  return media_type == "text/html" || media_type == "application/xhtml+xml";
}

// What a response record holds: an HTML page, something else (skipped), or a reason it is malformed.
struct NotHtml {};
using HttpOutcome = std::variant<CrawledPage, NotHtml, std::string>;

// Undoes Content-Encoding in place; a reason when it cannot. Crawlers often store the payload already decoded
// but keep the header, so gzip without gzip magic, and deflate that does not inflate, are taken as already
// decoded.
std::optional<std::string> DecodeContentEncoding(std::string& body, std::string_view encoding,
                                                 uint64_t max_bytes) {
  const std::string coding = Lower(Trim(encoding));
  if (coding.empty() || coding == "identity") return std::nullopt;
  if (coding == "gzip" || coding == "x-gzip" || coding == "deflate") {
    if (coding != "deflate" && !IsGzipMagic(body)) return std::nullopt;
    std::optional<std::string> inflated = InflateAll(body, max_bytes);
    if (inflated) {
      body = std::move(*inflated);
    } else if (coding != "deflate") {
      return "Content-Encoding " + coding + ": bad or oversized compressed body";
    }
    return std::nullopt;
  }
  return "unsupported Content-Encoding '" + coding + "'";
}

// Parses the HTTP response in a response record's block into a page for the record's target URI.
HttpOutcome ParseHttpResponse(std::string_view block, const Headers& warc_headers, uint64_t max_bytes) {
  const size_t status_end = block.find('\n');
  const std::string_view status_line = Trim(block.substr(0, status_end));
  // "HTTP/1.1 200 OK"; the reason phrase is optional.
  if (!status_line.starts_with("HTTP/") || status_line.find(' ') == std::string_view::npos) {
    return "bad HTTP status line '" + std::string(status_line.substr(0, 80)) + "'";
  }
  std::string_view code_text = status_line.substr(status_line.find(' ') + 1);
  code_text = code_text.substr(0, code_text.find(' '));
  const std::optional<uint64_t> code = ParseDecimal(code_text);
  if (!code || *code < 100 || *code > 999) return "bad HTTP status code '" + std::string(code_text) + "'";

  CrawledPage page;
  page.status = static_cast<int>(*code);
  std::string_view rest =
      status_end == std::string_view::npos ? std::string_view{} : block.substr(status_end + 1);
  while (true) {
    const size_t line_end = rest.find('\n');
    if (line_end == std::string_view::npos) return "HTTP header block not terminated";
    std::string_view line = rest.substr(0, line_end);
    rest.remove_prefix(line_end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) break;
    AddHeaderLine(line, page.headers);
  }
  page.content_type = std::string(HeaderValue(page.headers, "Content-Type"));
  if (!IsHtml(page.content_type)) return NotHtml{};

  page.html = std::string(rest);
  if (Lower(HeaderValue(page.headers, "Transfer-Encoding")).find("chunked") != std::string::npos) {
    // Many writers store the payload de-chunked but keep the header; a body that is not validly
    // chunked is taken as already de-chunked.
    if (std::optional<std::string> dechunked = Dechunk(page.html)) page.html = std::move(*dechunked);
  }
  if (std::optional<std::string> problem =
          DecodeContentEncoding(page.html, HeaderValue(page.headers, "Content-Encoding"), max_bytes)) {
    return *problem;
  }
  std::string_view target = HeaderValue(warc_headers, "WARC-Target-URI");
  if (target.starts_with('<') && target.ends_with('>'))
    target = target.substr(1, target.size() - 2);  // WARC/1.1 draft
  page.url = std::string(target);
  page.fetched_at = std::string(HeaderValue(warc_headers, "WARC-Date"));
  return page;
}

// The file's bytes, inflated when it is gzip (a concatenation of members, or a single stream), with the
// file offset each gzip member starts at. Holds at most what the caller asked for plus one chunk.
class ByteStream {
 public:
  explicit ByteStream(FilePtr file) : file_(std::move(file)), input_(kReadChunk) {
    gzip_ = EnsureInput(2) && IsGzipMagic(std::string_view(reinterpret_cast<const char*>(input_.data()), 2));
    if (gzip_) {
      member_pending_ = true;
      inflate_ready_ = inflateInit2(&zlib_, 15 + 32) == Z_OK;
    }
  }
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;
  ~ByteStream() {
    if (inflate_ready_) inflateEnd(&zlib_);
  }

  // Makes `count` bytes available; false when the file (or a damaged gzip member) ends first.
  bool Ensure(size_t count) {
    while (Available().size() < count) {
      if (!Fill()) return false;
    }
    return true;
  }
  std::string_view Available() const { return std::string_view(buffer_).substr(consumed_in_buffer_); }

  void Consume(size_t count) {
    consumed_in_buffer_ += count;
    position_ += count;
    if (consumed_in_buffer_ >= kReadChunk) {  // compact, so memory stays bounded by what is held
      buffer_.erase(0, consumed_in_buffer_);
      consumed_in_buffer_ = 0;
    }
    while (members_.size() > 1 && members_[1].first <= position_) members_.pop_front();
  }

  // Discards `count` bytes without holding them; false when the stream ends first.
  bool Skip(uint64_t count) {
    while (count > 0) {
      if (Available().empty() && !Fill()) return false;
      const size_t step = static_cast<size_t>(std::min<uint64_t>(count, Available().size()));
      Consume(step);
      count -= step;
    }
    return true;
  }

  bool gzip() const { return gzip_; }

  // Why reading the file failed (strerror), or empty; the stream then ends as at the end of the file.
  const std::string& read_error() const { return read_error_; }

  // Offset in the file of the current position: itself for plain files, its gzip member's start for gzip.
  uint64_t FileOffset() const {
    const auto* member = CurrentMember();
    return gzip_ && member != nullptr ? member->second : position_;
  }

  bool AtMemberStart() const {
    const auto* member = CurrentMember();
    return !gzip_ || (member != nullptr && member->first == position_);
  }

  // Discards the rest of the current gzip member.
  void SkipToNextMember() {
    while (!(members_.size() > 1 && members_[1].first <= position_ + Available().size())) {
      if (!Fill()) {
        Consume(Available().size());
        return;
      }
    }
    Consume(static_cast<size_t>(members_[1].first - position_));
  }

  // A gzip error that stopped the stream, with the file offset of the damaged member; taking it drops
  // what was inflated from that member and resumes at the next gzip header after it.
  std::optional<WarcProblem> TakeGzipError() {
    if (!gzip_error_) return std::nullopt;
    WarcProblem problem = std::move(*gzip_error_);
    gzip_error_.reset();
    const uint64_t member_start_in_output = members_.empty() ? position_ : members_.back().first;
    if (member_start_in_output >= position_) {
      buffer_.resize(consumed_in_buffer_);
    } else {
      Consume(Available().size());  // the record in progress started in an earlier member; it is lost too
    }
    members_.clear();
    ResumeAfter(problem.offset);
    return problem;
  }

 private:
  // The gzip member the current position is in (a member may have started since the last Consume).
  const std::pair<uint64_t, uint64_t>* CurrentMember() const {
    for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
      if (it->first <= position_) return &*it;
    }
    return nullptr;
  }

  // Appends inflated (or plain) bytes to the buffer; false at the end of the file or on a gzip error.
  bool Fill() {
    if (eof_ || gzip_error_) return false;
    return gzip_ ? FillInflated() : FillPlain();
  }

  bool FillPlain() {
    if (!EnsureInput(1)) {
      eof_ = true;
      return false;
    }
    buffer_.append(reinterpret_cast<const char*>(input_.data()) + input_begin_, input_end_ - input_begin_);
    input_begin_ = input_end_;
    return true;
  }

  bool FillInflated() {
    std::array<char, kReadChunk> chunk;
    while (true) {
      if (member_pending_ && !StartMember()) return false;
      if (input_begin_ == input_end_ && !EnsureInput(1)) {
        if (read_error_.empty()) gzip_error_ = WarcProblem{member_offset_, "truncated gzip member"};
        return false;
      }
      zlib_.next_in = input_.data() + input_begin_;
      zlib_.avail_in = static_cast<uInt>(input_end_ - input_begin_);
      zlib_.next_out = reinterpret_cast<Bytef*>(chunk.data());
      zlib_.avail_out = static_cast<uInt>(chunk.size());
      const int status = inflate(&zlib_, Z_NO_FLUSH);
      input_begin_ = input_end_ - zlib_.avail_in;
      const size_t produced = chunk.size() - zlib_.avail_out;
      buffer_.append(chunk.data(), produced);
      if (status == Z_STREAM_END) {
        member_pending_ = true;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        gzip_error_ =
            WarcProblem{member_offset_, std::string("bad gzip data: ") + (zlib_.msg ? zlib_.msg : "?")};
        return false;
      }
      if (produced > 0) return true;
    }
  }

  // Begins the next gzip member at the input position; false at a clean end of file or after garbage.
  bool StartMember() {
    if (!EnsureInput(1)) {
      eof_ = true;
      return false;
    }
    member_offset_ = InputOffset();
    const bool magic = EnsureInput(2) && IsGzipMagic(std::string_view(
                                             reinterpret_cast<const char*>(input_.data()) + input_begin_, 2));
    if (!magic) {
      // A read error after the member's first byte is no damage: read_error_ reports it.
      if (read_error_.empty()) {
        gzip_error_ = WarcProblem{member_offset_, "bytes after a gzip member that are not a gzip header"};
      }
      return false;
    }
    inflateReset(&zlib_);
    members_.emplace_back(position_ + Available().size(), member_offset_);
    member_pending_ = false;
    return true;
  }

  // Seeks to the first gzip header after `damaged_offset` and restarts inflation there.
  void ResumeAfter(uint64_t damaged_offset) {
    input_begin_ = input_end_ = 0;
    eof_ = std::fseek(file_.get(), static_cast<long>(damaged_offset + 1), SEEK_SET) != 0;
    input_offset_ = damaged_offset + 1;
    while (!eof_ && EnsureInput(2)) {
      const std::string_view bytes(reinterpret_cast<const char*>(input_.data()) + input_begin_,
                                   input_end_ - input_begin_);
      const size_t magic = bytes.find("\x1f\x8b\x08");
      if (magic != std::string_view::npos) {
        input_begin_ += magic;
        member_pending_ = true;
        return;
      }
      input_begin_ = input_end_ - 2;  // a header may straddle two reads
      if (!EnsureInput(3)) break;
    }
    eof_ = true;
  }

  // Makes `count` bytes of raw input available at input_begin_; false at the end of the file or on an I/O
  // error, which is kept in read_error_ (fread returns 0 for both).
  bool EnsureInput(size_t count) {
    if (input_end_ - input_begin_ >= count) return true;
    std::memmove(input_.data(), input_.data() + input_begin_, input_end_ - input_begin_);
    input_offset_ += input_begin_;
    input_end_ -= input_begin_;
    input_begin_ = 0;
    while (input_end_ < count) {
      const size_t read = std::fread(input_.data() + input_end_, 1, input_.size() - input_end_, file_.get());
      if (read == 0) {
        if (std::ferror(file_.get()) && read_error_.empty()) {
          read_error_ = std::strerror(errno);
          eof_ = true;
        }
        return false;
      }
      input_end_ += read;
    }
    return true;
  }

  uint64_t InputOffset() const { return input_offset_ + input_begin_; }

  FilePtr file_;
  std::vector<unsigned char> input_;
  size_t input_begin_ = 0;
  size_t input_end_ = 0;
  uint64_t input_offset_ = 0;  // file offset of input_[0]
  bool eof_ = false;
  std::string read_error_;

  bool gzip_ = false;
  bool inflate_ready_ = false;
  z_stream zlib_{};
  bool member_pending_ = false;
  uint64_t member_offset_ = 0;
  std::optional<WarcProblem> gzip_error_;
  std::deque<std::pair<uint64_t, uint64_t>> members_;  // (position in the output, file offset) per member

  std::string buffer_;
  size_t consumed_in_buffer_ = 0;
  uint64_t position_ = 0;  // output bytes consumed so far
};

}  // namespace

class WarcReader::Impl {
 public:
  Impl(FilePtr file, WarcReaderOptions options) : stream_(std::move(file)), options_(options) {}

  std::optional<WarcItem> Next() {
    while (true) {
      if (std::optional<WarcProblem> problem = stream_.TakeGzipError()) return *problem;
      if (!SkipBlankLines()) {
        if (std::optional<WarcProblem> problem = stream_.TakeGzipError()) return *problem;
        return std::nullopt;
      }
      const uint64_t offset = stream_.FileOffset();
      std::optional<WarcItem> item = ReadRecord(offset);
      if (item) return item;
    }
  }

  const std::map<std::string, uint64_t>& records_by_type() const { return records_by_type_; }
  uint64_t records() const { return records_; }
  const std::string& read_error() const { return stream_.read_error(); }

 private:
  // Reads one record: a page, a problem, or nullopt for a record that is skipped without comment.
  std::optional<WarcItem> ReadRecord(uint64_t offset) {
    const bool at_member_start = stream_.AtMemberStart();
    std::optional<std::string> version = ReadLine();
    if (!version || !version->starts_with(kVersionPrefix)) {
      return Malformed(offset, at_member_start,
                       "expected a 'WARC/' version line, got '" + version.value_or("").substr(0, 40) + "'");
    }
    if (std::find(kKnownVersions.begin(), kKnownVersions.end(), *version) == kKnownVersions.end()) {
      return Malformed(offset, at_member_start, "unsupported version '" + version->substr(0, 40) + "'");
    }
    Headers headers;
    size_t header_bytes = 0;
    while (true) {
      std::optional<std::string> line = ReadLine();
      if (!line) return Malformed(offset, at_member_start, "truncated WARC header");
      if (line->empty()) break;
      header_bytes += line->size();
      if (header_bytes > kMaxHeaderBlock) return Malformed(offset, at_member_start, "WARC header too large");
      AddHeaderLine(*line, headers);
    }
    const std::string_view length_text = HeaderValue(headers, "Content-Length");
    const std::optional<uint64_t> length = ParseDecimal(length_text);
    if (!length) {
      return Malformed(offset, at_member_start,
                       "bad Content-Length '" + std::string(length_text.substr(0, 40)) + "'");
    }
    const std::string type(HeaderValue(headers, "WARC-Type"));
    ++records_;
    ++records_by_type_[type.empty() ? "(none)" : type];

    if (*length > options_.max_record_bytes) {
      stream_.Skip(*length);
      return WarcProblem{offset, "record of " + std::to_string(*length) + " bytes exceeds the maximum of " +
                                     std::to_string(options_.max_record_bytes)};
    }
    if (!IsHttpResponse(type, headers)) {
      if (!stream_.Skip(*length)) return Truncated(offset, *length);
      return std::nullopt;
    }
    if (!stream_.Ensure(static_cast<size_t>(*length))) return Truncated(offset, *length);
    HttpOutcome outcome =
        ParseHttpResponse(stream_.Available().substr(0, *length), headers, options_.max_record_bytes);
    stream_.Consume(static_cast<size_t>(*length));
    if (auto* page = std::get_if<CrawledPage>(&outcome)) return WarcPage{offset, std::move(*page)};
    if (auto* reason = std::get_if<std::string>(&outcome)) return WarcProblem{offset, std::move(*reason)};
    return std::nullopt;
  }

  static bool IsHttpResponse(const std::string& type, const Headers& headers) {
    if (type != "response") return false;
    const std::string content_type = Lower(HeaderValue(headers, "Content-Type"));
    return MediaType(content_type) == "application/http" &&
           (content_type.find("msgtype") == std::string::npos ||
            content_type.find("msgtype=response") != std::string::npos);
  }

  // Why the stream ended inside a record, when not at the end of the file: a damaged gzip member, or a read
  // error (which ends the stream: what is left of the record goes with it).
  std::optional<WarcProblem> StreamProblem(uint64_t offset) {
    if (std::optional<WarcProblem> gzip_problem = stream_.TakeGzipError()) return gzip_problem;
    if (stream_.read_error().empty()) return std::nullopt;
    stream_.Consume(stream_.Available().size());
    return WarcProblem{offset, "read error: " + stream_.read_error()};
  }

  WarcProblem Truncated(uint64_t offset, uint64_t length) {
    if (std::optional<WarcProblem> problem = StreamProblem(offset)) return *problem;
    stream_.Consume(stream_.Available().size());
    return WarcProblem{offset, "truncated record: Content-Length " + std::to_string(length) +
                                   " runs past the end of the file"};
  }

  // Reports a record whose header cannot be read and resynchronises: at the next gzip member when the
  // record began one, else at the next line starting with "WARC/".
  WarcProblem Malformed(uint64_t offset, bool at_member_start, std::string reason) {
    if (std::optional<WarcProblem> problem = StreamProblem(offset)) return *problem;
    if (stream_.gzip() && at_member_start) {
      stream_.SkipToNextMember();
    } else {
      while (!(stream_.Ensure(kVersionPrefix.size()) && stream_.Available().starts_with(kVersionPrefix)) &&
             SkipLine()) {
      }
    }
    return WarcProblem{offset, std::move(reason)};
  }

  // Skips the blank lines between records; false at the end of the stream.
  bool SkipBlankLines() {
    while (stream_.Ensure(1)) {
      const char first = stream_.Available().front();
      if (first != '\r' && first != '\n') return true;
      stream_.Consume(1);
    }
    return false;
  }

  // One line without its line ending; nullopt at the end of the stream or for an overlong line.
  std::optional<std::string> ReadLine() {
    size_t scanned = 0;
    while (true) {
      const std::string_view available = stream_.Available();
      const size_t end = available.find('\n', scanned);
      if (end != std::string_view::npos) {
        std::string line(available.substr(0, end));
        stream_.Consume(end + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      scanned = available.size();
      if (scanned > kMaxHeaderLine || !stream_.Ensure(scanned + 1)) return std::nullopt;
    }
  }

  // Discards through the next line ending; false at the end of the stream.
  bool SkipLine() {
    while (true) {
      const std::string_view available = stream_.Available();
      const size_t end = available.find('\n');
      if (end != std::string_view::npos) {
        stream_.Consume(end + 1);
        return true;
      }
      stream_.Consume(available.size());
      if (!stream_.Ensure(1)) return false;
    }
  }

  ByteStream stream_;
  WarcReaderOptions options_;
  std::map<std::string, uint64_t> records_by_type_;
  uint64_t records_ = 0;
};

Result<WarcReader> WarcReader::Open(const std::string& path, WarcReaderOptions options) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) return Failure{"decode", "cannot open '" + path + "': " + std::strerror(errno)};
  return WarcReader(std::make_unique<Impl>(std::move(file), options));
}

WarcReader::WarcReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WarcReader::WarcReader(WarcReader&&) noexcept = default;
WarcReader& WarcReader::operator=(WarcReader&&) noexcept = default;
WarcReader::~WarcReader() = default;

std::optional<WarcItem> WarcReader::Next() { return impl_->Next(); }
const std::map<std::string, uint64_t>& WarcReader::records_by_type() const {
  return impl_->records_by_type();
}
uint64_t WarcReader::records() const { return impl_->records(); }
const std::string& WarcReader::read_error() const { return impl_->read_error(); }

}  // namespace backlint
