package awsjson

import (
	"net/http"
	"strconv"
)

// APIError is an error that knows its AWS error code and HTTP status. The generated
// exception types implement it; their JSON encoding is the error body.
type APIError interface {
	error
	ErrorCode() string
	HTTPStatus() int
}

// Error is an AWS-shaped error that has no shape in the model: protocol-level
// failures such as an unknown route, a body that is too large, or an operation
// iotdefender does not implement.
type Error struct {
	Code    string `json:"-"`
	Status  int    `json:"-"`
	Message string `json:"message"`
}

func (e *Error) Error() string     { return e.Message }
func (e *Error) ErrorCode() string { return e.Code }
func (e *Error) HTTPStatus() int   { return e.Status }

// NotImplemented is the answer of every operation iotdefender does not implement.
func NotImplemented(operation string) error {
	return &Error{
		Code:    "NotImplementedException",
		Status:  http.StatusNotImplemented,
		Message: "iotdefender does not implement the operation " + operation + ".",
	}
}

// UnknownOperation answers a request that matches no operation of the model.
func UnknownOperation(method, path string) error {
	return &Error{
		Code:    "UnknownOperationException",
		Status:  http.StatusNotFound,
		Message: "No operation matches " + method + " " + path + ".",
	}
}

// TooLarge answers a request body larger than any legitimate request.
func TooLarge(limit int64) error {
	return &Error{
		Code:    "RequestEntityTooLargeException",
		Status:  http.StatusRequestEntityTooLarge,
		Message: "The request body is larger than the limit of " + strconv.FormatInt(limit, 10) + " bytes.",
	}
}

// HeaderWriter is implemented by the exceptions that bind members to HTTP
// headers: WriteError lets them set those headers.
type HeaderWriter interface {
	WriteHeaders(h http.Header)
}

// WriteError writes e as AWS does: the x-amzn-ErrorType header carrying the code,
// the exception's header members, and a JSON body holding its other members.
func WriteError(w http.ResponseWriter, e APIError) {
	body, err := MarshalBody(e)
	if err != nil {
		body = []byte(`{"message":"internal error"}`)
	}
	h := w.Header()
	if hw, ok := e.(HeaderWriter); ok {
		hw.WriteHeaders(h)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-ErrorType", e.ErrorCode())
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(body)
}
