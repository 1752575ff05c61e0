package workspaces

import (
	"net/netip"
	"testing"
)

// A subnet's range, a directory's DNS address in it and every address
// freeAddress picks are inside the range and outside AWS's reserved ones;
// a full subnet has no address left.
func TestSubnetAddresses(t *testing.T) {
	subnet := "subnet-9d19c4c6"
	r := subnetRange(subnet)
	if r.Bits() != subnetBits || r != r.Masked() || !netip.MustParsePrefix("10.0.0.0/8").Contains(r.Addr()) {
		t.Fatalf("subnetRange(%s) = %s, want a /%d of 10.0.0.0/8", subnet, r, subnetBits)
	}
	if subnetRange(subnet) != r {
		t.Fatal("subnetRange is not stable")
	}
	dns := netip.MustParseAddr(dnsAddress("d-926722edaf", subnet))
	if !r.Contains(dns) {
		t.Fatalf("DNS %s outside %s", dns, r)
	}
	used := map[string]bool{dns.String(): true}
	reserved := map[string]bool{addrAt(r, 0).String(): true, addrAt(r, 1).String(): true, addrAt(r, 2).String(): true,
		addrAt(r, 3).String(): true, addrAt(r, lastHost+1).String(): true}
	hosts := lastHost - firstHost + 1
	for i := 1; i < hosts; i++ {
		a, ok := freeAddress(r, used)
		if !ok {
			t.Fatalf("no address after %d of %d", i, hosts)
		}
		if used[a] || reserved[a] || !r.Contains(netip.MustParseAddr(a)) {
			t.Fatalf("freeAddress gave %s (used %v, reserved %v, in %s %v)", a, used[a], reserved[a], r, r.Contains(netip.MustParseAddr(a)))
		}
		used[a] = true
	}
	if a, ok := freeAddress(r, used); ok {
		t.Fatalf("a full subnet gave %s", a)
	}
}
