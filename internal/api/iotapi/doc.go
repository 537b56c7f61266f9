// Package iotapi is the AWS IoT API (rest-json, 2015-05-28) as Go: shapes, enums,
// validation, request decoding, response encoding, routes, exceptions and the
// Operations interface, all generated from the model in internal/api/model.
package iotapi

//go:generate go run ../apigen/cmd/apigen -model ../model/iot-2015-05-28.json -package iotapi -validation-error InvalidRequestException -out iotapi_gen.go
