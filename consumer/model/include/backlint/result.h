#pragma once
// Errors as values on the per-message path: a bad message is an expected outcome, not an exception.
#include <string>
#include <utility>
#include <variant>

namespace backlint {

// Why a message could not go through the pipeline; `stage` names the pipeline stage
// (decode, extract, score, encode, publish) and ends up in the dead-letter headers.
struct Failure {
  std::string stage;
  std::string reason;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}             // NOLINT(google-explicit-constructor)
  Result(Failure failure) : state_(std::move(failure)) {}   // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const Failure& failure() const { return std::get<Failure>(state_); }

 private:
  std::variant<T, Failure> state_;
};

}  // namespace backlint
