package workspaces

import (
	"bytes"
	"context"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Client branding: per platform (ClientDeviceType), a directory's login
// page logo(s), support email or link, forgot-password link and login
// message. The logos are kept as the bytes imported, in a row of their own
// (kindBranding, under the directory's id), and answered as LogoUrls that
// wslocal itself serves (BrandingLogo, GET /_wslocal/branding/...).

// brandingState is the state of every branding row: it has no lifecycle.
const brandingState = "IMPORTED"

// maxBrandingBytes bounds the logos of one ImportClientBranding: the API
// reference, "You can import up to 6 MB of data with each request".
const maxBrandingBytes = 6_000_000

// platformBranding is the branding of one platform, as imported.
type platformBranding struct {
	Logo               []byte            `json:"Logo,omitzero"`
	Logo2x             []byte            `json:"Logo2x,omitzero"`
	Logo3x             []byte            `json:"Logo3x,omitzero"`
	SupportEmail       *string           `json:"SupportEmail,omitzero"`
	SupportLink        *string           `json:"SupportLink,omitzero"`
	ForgotPasswordLink *string           `json:"ForgotPasswordLink,omitzero"`
	LoginMessage       map[string]string `json:"LoginMessage,omitzero"`
}

// logoBytes is the size of the platform's logos together, as the 6 MB
// limit of one import counts them.
func (b *platformBranding) logoBytes() int {
	return len(b.Logo) + len(b.Logo2x) + len(b.Logo3x)
}

// clientBranding is the document of a branding row: the platforms that
// have branding.
type clientBranding struct {
	Platforms map[api.ClientDeviceType]*platformBranding `json:"Platforms"`
}

// The logos of a platform, by the last part of their URL.
const (
	logoName   = "logo"
	logo2xName = "logo2x"
	logo3xName = "logo3x"
)

// brandingPlatforms are the platforms in the order the API lists them.
var brandingPlatforms = api.ClientDeviceType("").Values()

// loginMessageTags are the HTML tags a login message may hold (the API
// reference of LoginMessage).
var loginMessageTags = []string{"a", "b", "blockquote", "br", "cite", "code", "dd", "dl", "dt", "div", "em", "i", "li", "ol",
	"p", "pre", "q", "small", "span", "strike", "strong", "sub", "sup", "u", "ul"}

// htmlTag finds the tags of a login message: "<" and a name, as HTML
// reads them ("1 < 2" is text).
var htmlTag = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`</?([a-zA-Z][a-zA-Z0-9]*)`) })

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// checkPlatform applies the API reference's prose rules to one platform's
// import.
func checkPlatform(platform api.ClientDeviceType, b *platformBranding) error {
	if f := platformFault(platform, b); f != nil {
		return f.err
	}
	return nil
}

// brandingFault is what checkPlatform refuses, and where: the member at
// fault (lowerCamel: supportLink, logo2x, loginMessage; empty for the
// platform itself) and, for a login message, the locale; onKey when the
// locale itself is at fault. A seed file reports it at that field.
type brandingFault struct {
	member, locale string
	onKey          bool
	err            error
}

func platformFault(platform api.ClientDeviceType, b *platformBranding) *brandingFault {
	if b.SupportEmail != nil && b.SupportLink != nil {
		return &brandingFault{member: "supportLink",
			err: invalidParameter("In %s, SupportEmail and SupportLink are mutually exclusive: give one of them, not both.", platform)}
	}
	if b.Logo == nil && b.Logo2x == nil && b.Logo3x == nil && b.SupportEmail == nil && b.SupportLink == nil &&
		b.ForgotPasswordLink == nil && b.LoginMessage == nil {
		return &brandingFault{err: invalidParameter("The branding for %s is empty: give a logo, a support email or link, a forgot password link or a login message.", platform)}
	}
	for _, logo := range []struct {
		name, member string
		data         []byte
	}{{"Logo", logoName, b.Logo}, {"Logo2x", logo2xName, b.Logo2x}, {"Logo3x", logo3xName, b.Logo3x}} {
		if logo.data != nil && !bytes.HasPrefix(logo.data, pngSignature) {
			return &brandingFault{member: logo.member,
				err: invalidParameter("The %s of %s is not a PNG image: the only image format accepted is PNG.", logo.name, platform)}
		}
	}
	for _, locale := range slices.Sorted(maps.Keys(b.LoginMessage)) {
		if locale != "en_US" {
			return &brandingFault{member: "loginMessage", locale: locale, onKey: true,
				err: invalidParameter("The LoginMessage of %s has the locale %s: the only locale supported is en_US.", platform, locale)}
		}
		for _, m := range htmlTag().FindAllStringSubmatch(b.LoginMessage[locale], -1) {
			if tag := strings.ToLower(m[1]); !slices.Contains(loginMessageTags, tag) {
				return &brandingFault{member: "loginMessage", locale: locale,
					err: invalidParameter("The LoginMessage of %s has the HTML tag <%s>, which is not supported; the tags supported are %s.",
						platform, tag, strings.Join(loginMessageTags, ", "))}
			}
		}
	}
	return nil
}

// brandingTooBig is the refusal of logos over maxBrandingBytes in all.
func brandingTooBig(size int) error {
	return limitExceeded("The logos of this request have %d bytes; one request can import up to 6 MB (%d bytes). Import the platforms in separate requests.", size, maxBrandingBytes)
}

// importedPlatforms lists the platforms of an ImportClientBranding request.
func importedPlatforms(in *api.ImportClientBrandingRequest) map[api.ClientDeviceType]*platformBranding {
	out := map[api.ClientDeviceType]*platformBranding{}
	def := func(p api.ClientDeviceType, a *api.DefaultImportClientBrandingAttributes) {
		if a != nil {
			out[p] = &platformBranding{Logo: a.Logo, SupportEmail: a.SupportEmail, SupportLink: a.SupportLink,
				ForgotPasswordLink: a.ForgotPasswordLink, LoginMessage: a.LoginMessage}
		}
	}
	def(api.ClientDeviceTypeDeviceTypeWindows, in.DeviceTypeWindows)
	def(api.ClientDeviceTypeDeviceTypeOsx, in.DeviceTypeOsx)
	def(api.ClientDeviceTypeDeviceTypeAndroid, in.DeviceTypeAndroid)
	def(api.ClientDeviceTypeDeviceTypeLinux, in.DeviceTypeLinux)
	def(api.ClientDeviceTypeDeviceTypeWeb, in.DeviceTypeWeb)
	if a := in.DeviceTypeIos; a != nil {
		out[api.ClientDeviceTypeDeviceTypeIos] = &platformBranding{Logo: a.Logo, Logo2x: a.Logo2x, Logo3x: a.Logo3x,
			SupportEmail: a.SupportEmail, SupportLink: a.SupportLink, ForgotPasswordLink: a.ForgotPasswordLink, LoginMessage: a.LoginMessage}
	}
	return out
}

// setImported puts one platform's branding into an ImportClientBranding
// request: the other direction of importedPlatforms.
func setImported(in *api.ImportClientBrandingRequest, platform api.ClientDeviceType, pb *platformBranding) {
	def := &api.DefaultImportClientBrandingAttributes{Logo: pb.Logo, SupportEmail: pb.SupportEmail, SupportLink: pb.SupportLink,
		ForgotPasswordLink: pb.ForgotPasswordLink, LoginMessage: pb.LoginMessage}
	switch platform {
	case api.ClientDeviceTypeDeviceTypeWindows:
		in.DeviceTypeWindows = def
	case api.ClientDeviceTypeDeviceTypeOsx:
		in.DeviceTypeOsx = def
	case api.ClientDeviceTypeDeviceTypeAndroid:
		in.DeviceTypeAndroid = def
	case api.ClientDeviceTypeDeviceTypeLinux:
		in.DeviceTypeLinux = def
	case api.ClientDeviceTypeDeviceTypeWeb:
		in.DeviceTypeWeb = def
	case api.ClientDeviceTypeDeviceTypeIos:
		in.DeviceTypeIos = &api.IosImportClientBrandingAttributes{Logo: pb.Logo, Logo2x: pb.Logo2x, Logo3x: pb.Logo3x,
			SupportEmail: pb.SupportEmail, SupportLink: pb.SupportLink, ForgotPasswordLink: pb.ForgotPasswordLink, LoginMessage: pb.LoginMessage}
	}
}

// getBranding reads a directory's branding row; a directory without one
// has an empty branding (r nil).
func getBranding(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *clientBranding, error) {
	r, b, err := getDoc[clientBranding](ctx, tx, p, kindBranding, id)
	if isNotFound(err) {
		return nil, &clientBranding{Platforms: map[api.ClientDeviceType]*platformBranding{}}, nil
	}
	if err == nil && b.Platforms == nil {
		b.Platforms = map[api.ClientDeviceType]*platformBranding{}
	}
	return r, b, err
}

// putBranding saves a directory's branding, or deletes its row when no
// platform is left.
func putBranding(ctx context.Context, tx store.Tx, p store.Partition, id string, r *store.Resource, b *clientBranding, now time.Time) error {
	if len(b.Platforms) == 0 {
		if r == nil {
			return nil
		}
		return tx.DeleteResource(ctx, p, kindBranding, id)
	}
	if r == nil {
		r = &store.Resource{Partition: p, Kind: kindBranding, ID: id, State: brandingState, Created: now}
	}
	return putDoc(ctx, tx, r, b)
}

// deleteBranding deletes a directory's branding, if it has any.
func deleteBranding(ctx context.Context, tx store.Tx, p store.Partition, id string) error {
	err := tx.DeleteResource(ctx, p, kindBranding, id)
	if isNotFound(err) {
		return nil
	}
	return err
}

// brandingWire builds the wire branding of the platforms listed, those
// that have branding, with logo URLs under base.
func brandingWire(base string, p store.Partition, id string, b *clientBranding, platforms []api.ClientDeviceType) *api.DescribeClientBrandingResult {
	out := &api.DescribeClientBrandingResult{}
	for _, platform := range platforms {
		pb := b.Platforms[platform]
		if pb == nil {
			continue
		}
		logoURL := func(logo []byte, name string) *string {
			if logo == nil {
				return nil
			}
			return api.String(brandingURL(base, p, id, platform, name))
		}
		def := &api.DefaultClientBrandingAttributes{LogoUrl: logoURL(pb.Logo, logoName), SupportEmail: pb.SupportEmail,
			SupportLink: pb.SupportLink, ForgotPasswordLink: pb.ForgotPasswordLink, LoginMessage: pb.LoginMessage}
		switch platform {
		case api.ClientDeviceTypeDeviceTypeWindows:
			out.DeviceTypeWindows = def
		case api.ClientDeviceTypeDeviceTypeOsx:
			out.DeviceTypeOsx = def
		case api.ClientDeviceTypeDeviceTypeAndroid:
			out.DeviceTypeAndroid = def
		case api.ClientDeviceTypeDeviceTypeLinux:
			out.DeviceTypeLinux = def
		case api.ClientDeviceTypeDeviceTypeWeb:
			out.DeviceTypeWeb = def
		case api.ClientDeviceTypeDeviceTypeIos:
			out.DeviceTypeIos = &api.IosClientBrandingAttributes{LogoUrl: def.LogoUrl,
				Logo2xUrl: logoURL(pb.Logo2x, logo2xName), Logo3xUrl: logoURL(pb.Logo3x, logo3xName),
				SupportEmail: pb.SupportEmail, SupportLink: pb.SupportLink, ForgotPasswordLink: pb.ForgotPasswordLink,
				LoginMessage: pb.LoginMessage}
		}
	}
	return out
}

// BrandingPath is where the control API serves branding logos:
// BrandingPath + "{account}/{region}/{directoryId}/{platform}/{logo}".
const BrandingPath = "/_wslocal/branding/"

// defaultEndpoint is the base of logo URLs when the request did not say
// how it reached wslocal (a call that did not come over HTTP).
const defaultEndpoint = "http://127.0.0.1:4599"

func brandingURL(base string, p store.Partition, id string, platform api.ClientDeviceType, name string) string {
	if base == "" {
		base = defaultEndpoint
	}
	return base + BrandingPath + url.PathEscape(p.Account) + "/" + url.PathEscape(p.Region) + "/" +
		url.PathEscape(id) + "/" + string(platform) + "/" + name
}

// ImportClientBranding replaces the branding of each platform the request
// gives, keeping the others.
func (s *Service) ImportClientBranding(ctx context.Context, in *api.ImportClientBrandingRequest) (*api.ImportClientBrandingResult, error) {
	platforms := importedPlatforms(in)
	if len(platforms) == 0 {
		return nil, invalidParameter("Give the branding of at least one platform type (DeviceTypeWindows, DeviceTypeOsx, DeviceTypeAndroid, DeviceTypeIos, DeviceTypeLinux or DeviceTypeWeb).")
	}
	size := 0
	var given []api.ClientDeviceType
	for _, platform := range brandingPlatforms {
		b := platforms[platform]
		if b == nil {
			continue
		}
		given = append(given, platform)
		if err := checkPlatform(platform, b); err != nil {
			return nil, err
		}
		size += b.logoBytes()
	}
	if size > maxBrandingBytes {
		return nil, brandingTooBig(size)
	}
	p := partition(ctx)
	var out *api.DescribeClientBrandingResult
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		id := *in.ResourceId
		if _, _, err := getDirectory(ctx, tx, p, id); err != nil {
			return err
		}
		r, b, err := getBranding(ctx, tx, p, id)
		if err != nil {
			return err
		}
		for platform, pb := range platforms {
			b.Platforms[platform] = pb
		}
		if err := putBranding(ctx, tx, p, id, r, b, now); err != nil {
			return err
		}
		out = brandingWire(api.Endpoint(ctx), p, id, b, given)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return (*api.ImportClientBrandingResult)(out), nil
}

// DescribeClientBranding answers the platforms of a directory that have
// branding; a directory without any answers none.
func (s *Service) DescribeClientBranding(ctx context.Context, in *api.DescribeClientBrandingRequest) (*api.DescribeClientBrandingResult, error) {
	p := partition(ctx)
	var out *api.DescribeClientBrandingResult
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		id := *in.ResourceId
		if _, _, err := getDirectory(ctx, tx, p, id); err != nil {
			return err
		}
		_, b, err := getBranding(ctx, tx, p, id)
		if err != nil {
			return err
		}
		out = brandingWire(api.Endpoint(ctx), p, id, b, brandingPlatforms)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteClientBranding deletes the branding of the platforms named; the
// others keep theirs, and a platform without branding is no error.
func (s *Service) DeleteClientBranding(ctx context.Context, in *api.DeleteClientBrandingRequest) (*api.DeleteClientBrandingResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		id := *in.ResourceId
		if _, _, err := getDirectory(ctx, tx, p, id); err != nil {
			return err
		}
		r, b, err := getBranding(ctx, tx, p, id)
		if err != nil || r == nil {
			return err
		}
		for _, platform := range in.Platforms {
			delete(b.Platforms, platform)
		}
		return putBranding(ctx, tx, p, id, r, b, now)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteClientBrandingResult{}, nil
}

// BrandingLogo answers the bytes of a logo that a LogoUrl names: account,
// region, directory, platform and logo (logo, logo2x or logo3x). ok is
// false when there is no such logo.
func (s *Service) BrandingLogo(ctx context.Context, account, region, id, platform, name string) (logo []byte, ok bool, err error) {
	p := store.Partition{Account: account, Region: region}
	err = s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		logo = nil
		_, b, err := getBranding(ctx, tx, p, id)
		if err != nil {
			return err
		}
		pb := b.Platforms[api.ClientDeviceType(platform)]
		if pb == nil {
			return nil
		}
		switch name {
		case logoName:
			logo = pb.Logo
		case logo2xName:
			logo = pb.Logo2x
		case logo3xName:
			logo = pb.Logo3x
		}
		return nil
	})
	return logo, logo != nil, err
}
