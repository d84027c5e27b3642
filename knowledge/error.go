package knowledge

import (
	"errors"
	"fmt"
)

// Error codes tell the caller what kind of failure happened without parsing
// text. Only EINTERNAL hides its detail from users.
const (
	EINVALID  = "invalid"   // the input can never succeed as given
	ENOTFOUND = "not_found" // the thing asked for does not exist (or is not visible)
	ECONFLICT = "conflict"  // the state changed under the caller
	EINTERNAL = "internal"  // a bug or an infrastructure failure
)

// Error is a domain error: a code, and a message safe to show to a person.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("nextdesk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the *Error's message, or
// a generic one for internal errors, whose detail belongs in logs only.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "Internal error."
}
