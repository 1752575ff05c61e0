package workspaces

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// A seed directory may carry what ImportClientBranding sets: under
// clientBranding, per platform (the request's members in lowerCamel,
// deviceTypeWindows ... deviceTypeWeb), the support email or link, forgot
// password link, login message and logos, each logo a PNG file named
// relative to the seed file. The files are read when the seed is parsed,
// and everything goes through ImportClientBranding's checks.

type seedPlatformBranding struct {
	Logo               string            `yaml:"logo"`   // a PNG file, relative to the seed file
	Logo2x             string            `yaml:"logo2x"` // deviceTypeIos only
	Logo3x             string            `yaml:"logo3x"` // deviceTypeIos only
	SupportEmail       *string           `yaml:"supportEmail"`
	SupportLink        *string           `yaml:"supportLink"`
	ForgotPasswordLink *string           `yaml:"forgotPasswordLink"`
	LoginMessage       map[string]string `yaml:"loginMessage"` // locale -> text
}

// seedPlatformKey is a platform's key under clientBranding.
func seedPlatformKey(p api.ClientDeviceType) string {
	return strings.ToLower(string(p[:1])) + string(p[1:])
}

func seedPlatformKeys() []string {
	out := make([]string, len(brandingPlatforms))
	for i, p := range brandingPlatforms {
		out[i] = seedPlatformKey(p)
	}
	return out
}

// readSeedLogo reads a logo file named relative to the seed file. Only a
// regular file is read, and no more than a request may import.
func (d *seedDoc) readSeedLogo(path, name string) []byte {
	if !filepath.IsAbs(name) {
		name = filepath.Join(filepath.Dir(d.name), name)
	}
	fi, err := os.Stat(name)
	if err != nil {
		d.errorf(path, "cannot read the logo: %v", err)
		return nil
	}
	if !fi.Mode().IsRegular() {
		d.errorf(path, "%s is not a regular file; give a PNG file", name)
		return nil
	}
	f, err := os.Open(name)
	if err != nil {
		d.errorf(path, "cannot read the logo: %v", err)
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBrandingBytes+1))
	if err != nil {
		d.errorf(path, "cannot read the logo: %v", err)
		return nil
	}
	if len(data) > maxBrandingBytes {
		d.errorf(path, "%s has more than %d bytes; a directory's logos can have up to 6 MB (%d bytes) in all", name, maxBrandingBytes, maxBrandingBytes)
		return nil
	}
	if len(data) == 0 {
		data = []byte{} // an empty file is a logo of 0 bytes, which the model refuses, not no logo
	}
	return data
}

// validateBranding reads a seed directory's logos and checks its branding
// as ImportClientBranding would: the model's constraints, then the API
// reference's rules, then the 6 MB in all. The result is kept in
// sd.branding for seedDirectory.
func (d *seedDoc) validateBranding(path string, sd *seedDirectory) {
	if sd.ClientBranding == nil {
		return
	}
	bpath := path + ".clientBranding"
	keys := seedPlatformKeys()
	for _, k := range slices.Sorted(maps.Keys(sd.ClientBranding)) {
		if !slices.Contains(keys, k) {
			d.keyErrorf(fieldPath(bpath, k), "%q is not a platform; give one of %s", k, strings.Join(keys, ", "))
		}
	}
	errs := len(d.errs)
	platforms := map[api.ClientDeviceType]*platformBranding{}
	in := &api.ImportClientBrandingRequest{ResourceId: &sd.ID}
	for _, platform := range brandingPlatforms {
		key := seedPlatformKey(platform)
		sb, given := sd.ClientBranding[key]
		if !given {
			continue
		}
		if sb == nil {
			sb = &seedPlatformBranding{}
		}
		ppath := bpath + "." + key
		pb := &platformBranding{SupportEmail: sb.SupportEmail, SupportLink: sb.SupportLink,
			ForgotPasswordLink: sb.ForgotPasswordLink, LoginMessage: sb.LoginMessage}
		if sb.Logo != "" {
			pb.Logo = d.readSeedLogo(ppath+".logo", sb.Logo)
		}
		for _, extra := range []struct {
			name, file string
			data       *[]byte
		}{{logo2xName, sb.Logo2x, &pb.Logo2x}, {logo3xName, sb.Logo3x, &pb.Logo3x}} {
			switch {
			case extra.file == "":
			case platform != api.ClientDeviceTypeDeviceTypeIos:
				d.errorf(ppath+"."+extra.name, "only deviceTypeIos has a %s", extra.name)
			default:
				*extra.data = d.readSeedLogo(ppath+"."+extra.name, extra.file)
			}
		}
		platforms[platform] = pb
		setImported(in, platform, pb)
	}
	if len(d.errs) > errs {
		return // a logo that could not be read: the checks below would only repeat it
	}
	faulty := map[string]bool{}
	for _, v := range api.Check(in) {
		if v.Path == "resourceId" {
			continue // the directory's id is checked, and reported, as its id
		}
		field := bpath + "." + v.Path
		platform, member, _ := strings.Cut(v.Path, ".")
		faulty[platform] = true
		switch {
		case v.Null:
			d.errorf(field, "is required")
		case strings.HasPrefix(member, logoName):
			// A logo's value is its bytes: say its size, not them.
			d.errorf(field, "the logo has %d bytes, which breaks the model's constraint: %s", logoSize(platforms, platform, member), v.Constraint)
		default:
			d.errorf(field, "%q breaks the model's constraint: %s", v.Value, v.Constraint)
		}
	}
	size := 0
	for _, platform := range brandingPlatforms {
		pb := platforms[platform]
		if pb == nil {
			continue
		}
		size += pb.logoBytes()
		key := seedPlatformKey(platform)
		if faulty[key] {
			continue
		}
		f := platformFault(platform, pb)
		if f == nil {
			continue
		}
		field, msg := bpath+"."+key, seedMessage(f.err)
		if f.member != "" {
			field += "." + f.member
		}
		switch {
		case f.member == "": // the platform itself: at its key, for a null value has no place
			d.keyErrorf(field, "%s", msg)
		case f.locale != "" && f.onKey:
			d.keyErrorf(fieldPath(field, f.locale), "%s", msg)
		case f.locale != "":
			d.errorf(fieldPath(field, f.locale), "%s", msg)
		default:
			d.errorf(field, "%s", msg)
		}
	}
	if size > maxBrandingBytes {
		d.keyErrorf(bpath, "%s", seedMessage(brandingTooBig(size)))
	}
	sd.branding = platforms
}

// logoSize is the size of the logo member (logo, logo2x, logo3x) of the
// platform whose seed key is key.
func logoSize(platforms map[api.ClientDeviceType]*platformBranding, key, member string) int {
	for platform, pb := range platforms {
		if seedPlatformKey(platform) != key {
			continue
		}
		switch member {
		case logoName:
			return len(pb.Logo)
		case logo2xName:
			return len(pb.Logo2x)
		case logo3xName:
			return len(pb.Logo3x)
		}
	}
	return 0
}

// seedMessage is the message of an error the operations answer.
func seedMessage(err error) string {
	var ip *api.InvalidParameterValuesException
	var le *api.ResourceLimitExceededException
	switch {
	case errors.As(err, &ip):
		return api.ToString(ip.Message)
	case errors.As(err, &le):
		return api.ToString(le.Message)
	}
	return err.Error()
}

// seedBranding writes a seed directory's branding, as ImportClientBranding
// would store it.
func seedBranding(ctx context.Context, tx store.Tx, p store.Partition, sd *seedDirectory, now time.Time) error {
	if len(sd.branding) == 0 {
		return nil
	}
	if err := putBranding(ctx, tx, p, sd.ID, nil, &clientBranding{Platforms: sd.branding}, now); err != nil {
		return fmt.Errorf("the client branding of %s: %w", sd.ID, err)
	}
	return nil
}
