package workspaces

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"net/netip"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// A directory's WorkSpaces live in its two subnets. wslocal has no EC2 to
// ask for a subnet's range, so the range is a function of the subnet id: a
// /20 of 10.0.0.0/8 (4,091 usable addresses). Every directory naming the
// subnet sees the same range, and addresses are unique in it: each
// WorkSpace's, and the DNS address each directory has in it.

const subnetBits = 20

// subnetRange is the address range of a subnet.
func subnetRange(subnetID string) netip.Prefix {
	sum := sha256.Sum256([]byte("wslocal subnet " + subnetID))
	addr := netip.AddrFrom4([4]byte{10, sum[0], sum[1] & 0xf0, 0})
	return netip.PrefixFrom(addr, subnetBits)
}

// hostOffsets is the range of offsets in a subnet a host may take: AWS
// reserves the first four addresses of a subnet and the last one.
const (
	firstHost = 4
	lastHost  = 1<<(32-subnetBits) - 2
)

func addrAt(p netip.Prefix, offset int) netip.Addr {
	b := p.Addr().As4()
	n := binary.BigEndian.Uint32(b[:]) + uint32(offset)
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b)
}

// dnsAddress is a directory's DNS address in one of its subnets: derived
// from both ids, so it never changes and needs no storing.
func dnsAddress(dirID, subnetID string) string {
	sum := sha256.Sum256([]byte("wslocal dns " + dirID + " " + subnetID))
	offset := firstHost + int(binary.BigEndian.Uint16(sum[:2]))%(lastHost-firstHost+1)
	return addrAt(subnetRange(subnetID), offset).String()
}

// derivedSubnet is the id of a directory's i-th subnet when none was given
// (chosen once at registration; also the answer for a directory stored
// before directories kept their subnets).
func derivedSubnet(dirID string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("wslocal subnet of %s %d", dirID, i)))
	const hex = "0123456789abcdef"
	b := make([]byte, 17)
	for j := range b {
		b[j] = hex[sum[j]%16]
	}
	return "subnet-" + string(b)
}

// subnets returns the directory's two subnets.
func (d *directory) subnets() []string {
	if len(d.SubnetIds) >= 2 {
		return d.SubnetIds
	}
	id := api.ToString(d.DirectoryId)
	return []string{derivedSubnet(id, 0), derivedSubnet(id, 1)}
}

// dnsAddresses are the directory's DNS addresses, one in each subnet.
func (d *directory) dnsAddresses() []string {
	out := []string{}
	for _, sn := range d.subnets() {
		out = append(out, dnsAddress(api.ToString(d.DirectoryId), sn))
	}
	return out
}

// errNoAddress says a subnet has no free address left.
type errNoAddress struct{ subnet string }

func (e *errNoAddress) Error() string { return "no free address in " + e.subnet }

// placeWorkspace puts a new WorkSpace of dir in the subnet of the directory
// holding fewer live WorkSpaces (the first on a tie) and gives it an address
// no other live WorkSpace and no directory's DNS has in that subnet.
// existing are the partition's WorkSpaces.
func (s *Service) placeWorkspace(ctx context.Context, tx store.Tx, p store.Partition, dir *directory, w *workspace, existing []storedWorkspace) error {
	subnets := dir.subnets()
	count := map[string]int{}
	used := map[string]bool{}
	for _, o := range existing {
		if o.res.State == wsTerminated || o.res.ID == api.ToString(w.WorkspaceId) {
			continue
		}
		count[api.ToString(o.doc.SubnetId)]++
	}
	subnet := subnets[0]
	for _, sn := range subnets[1:] {
		if count[sn] < count[subnet] {
			subnet = sn
		}
	}
	for _, o := range existing {
		if o.res.State != wsTerminated && api.ToString(o.doc.SubnetId) == subnet && o.res.ID != api.ToString(w.WorkspaceId) {
			used[api.ToString(o.doc.IpAddress)] = true
		}
	}
	dirs, err := tx.ListResources(ctx, p, kindDirectory, "", 0)
	if err != nil {
		return err
	}
	for i := range dirs {
		od, err := loadDoc[directory](&dirs[i])
		if err != nil {
			return err
		}
		for _, sn := range od.subnets() {
			if sn == subnet {
				used[dnsAddress(dirs[i].ID, sn)] = true
			}
		}
	}
	ip, ok := freeAddress(subnetRange(subnet), used)
	if !ok {
		return &errNoAddress{subnet}
	}
	w.SubnetId, w.IpAddress = api.String(subnet), api.String(ip)
	return nil
}

// freeAddress picks a random host address of p not in used.
func freeAddress(p netip.Prefix, used map[string]bool) (string, bool) {
	hosts := lastHost - firstHost + 1
	n, err := rand.Int(rand.Reader, big.NewInt(int64(hosts)))
	if err != nil {
		return "", false
	}
	start := int(n.Int64())
	for i := range hosts {
		a := addrAt(p, firstHost+(start+i)%hosts).String()
		if !used[a] {
			return a, true
		}
	}
	return "", false
}
