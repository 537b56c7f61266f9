package certs

import (
	"fmt"
	"net/netip"
	"syscall"
)

// nonPublicPrefixes are ranges that net/netip has no predicate for and that a
// CRL fetch from a public distribution point must never reach.
var nonPublicPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("240.0.0.0/4"),   // reserved, and the broadcast address
}

// isPublicAddress reports whether ip is an address a fetch in FetchPublic mode
// may connect to: not loopback, private (RFC 1918, fc00::/7), link-local,
// unspecified, multicast, CGNAT or reserved.
func isPublicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() {
		return false
	}
	for _, p := range nonPublicPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// refuseNonPublic is a net.Dialer Control hook. It runs on the address actually
// dialled, after name resolution and for every redirect, so neither DNS answers
// nor redirects can steer a fetch to an internal address.
func refuseNonPublic(network, address string, _ syscall.RawConn) error {
	addrPort, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refusing to connect to %q: %w", address, err)
	}
	if !isPublicAddress(addrPort.Addr()) {
		return fmt.Errorf("refusing to connect to non-public address %s", addrPort.Addr())
	}
	return nil
}
