package iot

// ARN returns the ARN of an IoT resource, e.g. ARN("us-east-1", "123456789012",
// "thing/lamp") = "arn:aws:iot:us-east-1:123456789012:thing/lamp".
func ARN(region, account, resource string) string {
	return "arn:aws:iot:" + region + ":" + account + ":" + resource
}
