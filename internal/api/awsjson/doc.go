// Package awsjson is the hand-written runtime of the generated AWS rest-json code in
// internal/api/iotapi: timestamps, routing, request decoding helpers, constraint
// validation and the error envelope. It knows the protocol, not the IoT model.
package awsjson
