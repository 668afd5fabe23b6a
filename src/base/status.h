// Status and Result<T>: the value every fallible operation returns.
//
// A Status is either OK or carries a code and a message that says what failed,
// where and why (for input errors: "file:line: reason"). Result<T> holds a T or
// a non-OK Status. Both are cheap to move and are [[nodiscard]].
// Thread-safety: values; no shared state.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace prep {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the input is malformed or violates a rule
  kNotFound,
  kIoError,
  kFailedPrecondition,
  kResourceExhausted,  // a limit was hit (login throttling): retry later
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(value_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace prep

#define PREP_CONCAT_INNER(a, b) a##b
#define PREP_CONCAT(a, b) PREP_CONCAT_INNER(a, b)

#define PREP_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::prep::Status prep_status_ = (expr);        \
    if (!prep_status_.ok()) return prep_status_; \
  } while (0)

#define PREP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#define PREP_ASSIGN_OR_RETURN(lhs, expr) \
  PREP_ASSIGN_OR_RETURN_IMPL(PREP_CONCAT(prep_result_, __LINE__), lhs, expr)
