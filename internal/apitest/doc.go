// Package apitest drives a real iotdefender through the AWS SDK for Go v2
// (service/iot): every implemented operation, its successes and its errors, as a
// real client sees them. It has no non-test code.
package apitest
