package registry

import (
	"context"
	"slices"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// endpointTypes are the endpoint types DescribeEndpoint knows; "" asks for the
// legacy data endpoint (iot:Data), as with AWS.
var endpointTypes = []string{"", "iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"}

// DescribeEndpoint returns the address of an endpoint of the account. One
// iotdefender serves every endpoint type at its one configured address.
func (r *Registry) DescribeEndpoint(ctx context.Context, account, endpointType string) (string, error) {
	if !slices.Contains(endpointTypes, endpointType) {
		return "", iot.Errorf(iot.InvalidRequest, "Unknown endpoint type %q; the endpoint types are iot:Data, iot:Data-ATS, iot:CredentialProvider and iot:Jobs.", endpointType)
	}
	return r.endpoint, nil
}
