package gosdk_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// pngLogo is a w x w PNG of one colour.
func pngLogo(t *testing.T, w int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, w))
	for x := range w {
		for y := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fetch GETs url with the request headers h and returns status, content
// type and body.
func fetch(t *testing.T, url string, h map[string]string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), b
}

// brandedDirectory starts a server with propsDir registered.
func brandedDirectory(t *testing.T, opts ...wslocaltest.Option) (*wslocaltest.Server, *workspaces.Client) {
	t.Helper()
	srv := start(t, opts...)
	c := client(srv)
	registerDirectory(t, c, propsDir)
	srv.Advance(time.Minute)
	return srv, c
}

func TestClientBrandingImportDescribeAndServeLogos(t *testing.T) {
	t.Parallel()
	srv, c := brandedDirectory(t)
	ctx := context.Background()
	winLogo, ios1, ios2, ios3 := pngLogo(t, 4, color.RGBA{R: 255, A: 255}), pngLogo(t, 2, color.White), pngLogo(t, 4, color.White), pngLogo(t, 6, color.White)
	msg := map[string]string{"en_US": "<p>Welcome to <b>Example</b>.</p>"}
	out, err := c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
		DeviceTypeWindows: &types.DefaultImportClientBrandingAttributes{Logo: winLogo, SupportEmail: aws.String("help@example.com"),
			ForgotPasswordLink: aws.String("https://example.com/reset"), LoginMessage: msg},
		DeviceTypeIos: &types.IosImportClientBrandingAttributes{Logo: ios1, Logo2x: ios2, Logo3x: ios3, SupportLink: aws.String("https://example.com/help")},
	})
	if err != nil {
		t.Fatalf("ImportClientBranding: %v", err)
	}
	base := srv.URL + "/_wslocal/branding/" + defaultAccount + "/" + defaultRegion + "/" + propsDir + "/"
	if w := out.DeviceTypeWindows; w == nil || aws.ToString(w.LogoUrl) != base+"DeviceTypeWindows/logo" ||
		aws.ToString(w.SupportEmail) != "help@example.com" || w.SupportLink != nil ||
		aws.ToString(w.ForgotPasswordLink) != "https://example.com/reset" || w.LoginMessage["en_US"] != msg["en_US"] {
		t.Errorf("ImportClientBranding Windows = %+v", w)
	}
	if i := out.DeviceTypeIos; i == nil || aws.ToString(i.LogoUrl) != base+"DeviceTypeIos/logo" ||
		aws.ToString(i.Logo2xUrl) != base+"DeviceTypeIos/logo2x" || aws.ToString(i.Logo3xUrl) != base+"DeviceTypeIos/logo3x" ||
		aws.ToString(i.SupportLink) != "https://example.com/help" {
		t.Errorf("ImportClientBranding iOS = %+v", i)
	}
	if out.DeviceTypeOsx != nil || out.DeviceTypeAndroid != nil || out.DeviceTypeLinux != nil || out.DeviceTypeWeb != nil {
		t.Errorf("ImportClientBranding answered platforms it was not given: %+v", out)
	}

	// Only the platforms with branding are described.
	d, err := c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(propsDir)})
	if err != nil {
		t.Fatalf("DescribeClientBranding: %v", err)
	}
	if d.DeviceTypeWindows == nil || d.DeviceTypeIos == nil || d.DeviceTypeOsx != nil || d.DeviceTypeAndroid != nil || d.DeviceTypeLinux != nil || d.DeviceTypeWeb != nil {
		t.Fatalf("DescribeClientBranding = %+v, want Windows and iOS only", d)
	}
	if aws.ToString(d.DeviceTypeIos.Logo3xUrl) != base+"DeviceTypeIos/logo3x" {
		t.Errorf("Logo3xUrl = %s", aws.ToString(d.DeviceTypeIos.Logo3xUrl))
	}

	// The URLs serve the bytes imported, as PNG, to a browser on any site.
	for url, want := range map[string][]byte{aws.ToString(d.DeviceTypeWindows.LogoUrl): winLogo,
		aws.ToString(d.DeviceTypeIos.LogoUrl): ios1, aws.ToString(d.DeviceTypeIos.Logo2xUrl): ios2, aws.ToString(d.DeviceTypeIos.Logo3xUrl): ios3} {
		st, ct, body := fetch(t, url, map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"})
		if st != 200 || ct != "image/png" || !bytes.Equal(body, want) {
			t.Errorf("GET %s = %d %s, %d bytes; want 200 image/png with the %d bytes imported", url, st, ct, len(body), len(want))
		}
	}
	for _, missing := range []string{base + "DeviceTypeWindows/logo2x", base + "DeviceTypeOsx/logo", base + "DeviceTypeBeOS/logo",
		srv.URL + "/_wslocal/branding/111111111111/" + defaultRegion + "/" + propsDir + "/DeviceTypeWindows/logo",
		// Malformed parts of the route (the model's AwsAccount and DirectoryId patterns).
		srv.URL + "/_wslocal/branding/12345/" + defaultRegion + "/" + propsDir + "/DeviceTypeWindows/logo",
		srv.URL + "/_wslocal/branding/" + defaultAccount + "/" + defaultRegion + "/d-XYZ/DeviceTypeWindows/logo",
		srv.URL + "/_wslocal/branding/" + defaultAccount + "/US_EAST_1/" + propsDir + "/DeviceTypeWindows/logo"} {
		if st, _, _ := fetch(t, missing, nil); st != 404 {
			t.Errorf("GET %s = %d, want 404", missing, st)
		}
	}

	// A new import of a platform replaces all of its branding.
	if _, err := c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
		DeviceTypeWindows: &types.DefaultImportClientBrandingAttributes{SupportLink: aws.String("https://example.com/support")}}); err != nil {
		t.Fatalf("ImportClientBranding again: %v", err)
	}
	d, _ = c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(propsDir)})
	if w := d.DeviceTypeWindows; w == nil || w.LogoUrl != nil || w.SupportEmail != nil || w.LoginMessage != nil ||
		aws.ToString(w.SupportLink) != "https://example.com/support" {
		t.Errorf("Windows after a second import = %+v, want only the new SupportLink", w)
	}
	if st, _, _ := fetch(t, base+"DeviceTypeWindows/logo", nil); st != 404 {
		t.Errorf("the replaced Windows logo answers %d, want 404", st)
	}
	if d.DeviceTypeIos == nil {
		t.Errorf("importing Windows removed the iOS branding")
	}

	// Delete removes only the platforms named; a platform without branding is no error.
	if _, err := c.DeleteClientBranding(ctx, &workspaces.DeleteClientBrandingInput{ResourceId: aws.String(propsDir),
		Platforms: []types.ClientDeviceType{types.ClientDeviceTypeDeviceTypeWindows, types.ClientDeviceTypeDeviceTypeLinux}}); err != nil {
		t.Fatalf("DeleteClientBranding: %v", err)
	}
	d, _ = c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(propsDir)})
	if d.DeviceTypeWindows != nil || d.DeviceTypeIos == nil {
		t.Errorf("after deleting Windows: %+v, want iOS only", d)
	}
	if _, err := c.DeleteClientBranding(ctx, &workspaces.DeleteClientBrandingInput{ResourceId: aws.String(propsDir),
		Platforms: []types.ClientDeviceType{types.ClientDeviceTypeDeviceTypeIos}}); err != nil {
		t.Fatalf("DeleteClientBranding iOS: %v", err)
	}
	d, _ = c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(propsDir)})
	if d.DeviceTypeIos != nil || d.DeviceTypeWindows != nil {
		t.Errorf("after deleting every platform: %+v, want none", d)
	}
	if st, _, _ := fetch(t, base+"DeviceTypeIos/logo", nil); st != 404 {
		t.Errorf("the deleted iOS logo answers %d, want 404", st)
	}
}

func TestClientBrandingErrors(t *testing.T) {
	t.Parallel()
	srv, c := brandedDirectory(t)
	ctx := context.Background()
	logo := pngLogo(t, 2, color.Black)
	win := func(a types.DefaultImportClientBrandingAttributes) *workspaces.ImportClientBrandingInput {
		return &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir), DeviceTypeWindows: &a}
	}
	cases := []struct {
		name string
		in   *workspaces.ImportClientBrandingInput
		want string
	}{
		{"no platform", &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir)},
			"Give the branding of at least one platform type (DeviceTypeWindows, DeviceTypeOsx, DeviceTypeAndroid, DeviceTypeIos, DeviceTypeLinux or DeviceTypeWeb)."},
		{"email and link", &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
			DeviceTypeIos: &types.IosImportClientBrandingAttributes{SupportEmail: aws.String("help@example.com"), SupportLink: aws.String("https://example.com")}},
			"In DeviceTypeIos, SupportEmail and SupportLink are mutually exclusive: give one of them, not both."},
		{"empty platform", win(types.DefaultImportClientBrandingAttributes{}),
			"The branding for DeviceTypeWindows is empty: give a logo, a support email or link, a forgot password link or a login message."},
		{"a JPEG logo", win(types.DefaultImportClientBrandingAttributes{Logo: []byte("\xff\xd8\xff\xe0\x00\x10JFIF")}),
			"The Logo of DeviceTypeWindows is not a PNG image: the only image format accepted is PNG."},
		{"another locale", win(types.DefaultImportClientBrandingAttributes{LoginMessage: map[string]string{"fr_FR": "Bonjour"}}),
			"The LoginMessage of DeviceTypeWindows has the locale fr_FR: the only locale supported is en_US."},
		{"a script tag", win(types.DefaultImportClientBrandingAttributes{LoginMessage: map[string]string{"en_US": "<b>hi</b><script>x()</script>"}}),
			"The LoginMessage of DeviceTypeWindows has the HTML tag <script>, which is not supported"},
	}
	// Text that only looks like a tag is text.
	if _, err := c.ImportClientBranding(ctx, win(types.DefaultImportClientBrandingAttributes{
		LoginMessage: map[string]string{"en_US": "1 < 2 and <STRONG>3 > 2</STRONG><br/>"}})); err != nil {
		t.Errorf("a login message with \"1 < 2\" and allowed tags: %v", err)
	}
	for _, tc := range cases {
		_, err := c.ImportClientBranding(ctx, tc.in)
		if err == nil {
			t.Errorf("%s: ImportClientBranding succeeded", tc.name)
			continue
		}
		invalidValues(t, err, tc.want)
	}

	// Over 6 MB of logos in one request is ResourceLimitExceededException;
	// each logo is within the model's limit (1.5 MB), and the request is
	// larger than the default body limit of other operations (1 MiB).
	big := append(bytes.Clone(logo), make([]byte, 1_400_000)...)
	all := types.DefaultImportClientBrandingAttributes{Logo: big}
	_, err := c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
		DeviceTypeWindows: &all, DeviceTypeOsx: &all, DeviceTypeAndroid: &all, DeviceTypeLinux: &all, DeviceTypeWeb: &all})
	ae := apiError(t, err, "ResourceLimitExceededException")
	asType[*types.ResourceLimitExceededException](t, err)
	if want := fmt.Sprintf("The logos of this request have %d bytes; one request can import up to 6 MB (6000000 bytes).", 5*len(big)); !strings.HasPrefix(ae.ErrorMessage(), want) {
		t.Errorf("message %q, want it to start %q", ae.ErrorMessage(), want)
	}
	// Four of them fit, and are served whole.
	out, err := c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
		DeviceTypeWindows: &all, DeviceTypeOsx: &all, DeviceTypeAndroid: &all, DeviceTypeLinux: &all})
	if err != nil {
		t.Fatalf("ImportClientBranding of 4 large logos: %v", err)
	}
	if st, _, body := fetch(t, aws.ToString(out.DeviceTypeLinux.LogoUrl), nil); st != 200 || !bytes.Equal(body, big) {
		t.Errorf("GET the large Linux logo = %d, %d bytes; want %d", st, len(body), len(big))
	}

	// The model's own limits: a logo over 1.5 MB is a ValidationException.
	_, err = c.ImportClientBranding(ctx, win(types.DefaultImportClientBrandingAttributes{Logo: make([]byte, 1_500_001)}))
	apiError(t, err, "ValidationException")

	// An unknown directory.
	const other = "d-9999999999"
	_, err = c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(other),
		DeviceTypeWeb: &types.DefaultImportClientBrandingAttributes{Logo: logo}})
	notFound(t, err, other)
	_, err = c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(other)})
	notFound(t, err, other)
	_, err = c.DeleteClientBranding(ctx, &workspaces.DeleteClientBrandingInput{ResourceId: aws.String(other),
		Platforms: []types.ClientDeviceType{types.ClientDeviceTypeDeviceTypeWeb}})
	notFound(t, err, other)
	_ = srv
}

// Branding belongs to its directory: deregistering the directory deletes
// it, and a directory registered again under the id starts without any.
func TestClientBrandingGoesWithItsDirectory(t *testing.T) {
	t.Parallel()
	srv, c := brandedDirectory(t)
	ctx := context.Background()
	out, err := c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
		DeviceTypeWeb: &types.DefaultImportClientBrandingAttributes{Logo: pngLogo(t, 2, color.Black)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeregisterWorkspaceDirectory(ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(propsDir)}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Minute)
	if st, _, _ := fetch(t, aws.ToString(out.DeviceTypeWeb.LogoUrl), nil); st != 404 {
		t.Errorf("the logo of a deregistered directory answers %d, want 404", st)
	}
	registerDirectory(t, c, propsDir)
	srv.Advance(time.Minute)
	d, err := c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(propsDir)})
	if err != nil || d.DeviceTypeWeb != nil {
		t.Errorf("DescribeClientBranding of the directory registered again = %+v, %v; want no branding", d, err)
	}
}

// The logos are public (AWS: "Client branding attributes are public
// facing"): with a control token, under another Host and from another
// site, a browser still loads them, while the rest of the control API
// stays closed.
func TestClientBrandingLogoIsPublic(t *testing.T) {
	t.Parallel()
	srv, c := brandedDirectory(t, wslocaltest.WithControlToken("s3cret"))
	logo := pngLogo(t, 3, color.Black)
	out, err := c.ImportClientBranding(context.Background(), &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
		DeviceTypeAndroid: &types.DefaultImportClientBrandingAttributes{Logo: logo}})
	if err != nil {
		t.Fatal(err)
	}
	url := aws.ToString(out.DeviceTypeAndroid.LogoUrl)
	st, ct, body := fetch(t, url, map[string]string{"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"})
	if st != 200 || ct != "image/png" || !bytes.Equal(body, logo) {
		t.Errorf("GET the logo without the token = %d %s", st, ct)
	}
	if st, _, _ := fetch(t, srv.URL+"/_wslocal/state", nil); st != 401 {
		t.Errorf("GET /_wslocal/state without the token = %d, want 401", st)
	}
}

// A seed file's clientBranding reads back through the SDK, its logo (a
// PNG file next to the seed) is served at its LogoUrl, and a reset that
// re-applies the seed serves the bytes read at start.
func TestClientBrandingFromASeedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logo := pngLogo(t, 5, color.RGBA{B: 255, A: 255})
	logoPath := filepath.Join(dir, "logo.png")
	seedPath := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(logoPath, logo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(seedPath, []byte(`
accounts:
  - directories:
      - id: `+propsDir+`
        clientBranding:
          deviceTypeLinux: {logo: logo.png, supportLink: https://example.com/help}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := start(t, wslocaltest.WithSeedFile(seedPath))
	c := client(srv)
	check := func(when string) {
		t.Helper()
		out, err := c.DescribeClientBranding(context.Background(), &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(propsDir)})
		if err != nil || out.DeviceTypeLinux == nil || out.DeviceTypeWindows != nil ||
			aws.ToString(out.DeviceTypeLinux.SupportLink) != "https://example.com/help" {
			t.Fatalf("%s: DescribeClientBranding = %+v, %v", when, out, err)
		}
		url := aws.ToString(out.DeviceTypeLinux.LogoUrl)
		if want := srv.URL + "/_wslocal/branding/000000000000/us-east-1/" + propsDir + "/DeviceTypeLinux/logo"; url != want {
			t.Errorf("%s: LogoUrl = %s, want %s", when, url, want)
		}
		if st, ct, body := fetch(t, url, nil); st != 200 || ct != "image/png" || !bytes.Equal(body, logo) {
			t.Errorf("%s: GET the seeded logo = %d %s, %d bytes, want the file's %d", when, st, ct, len(body), len(logo))
		}
	}
	check("at start")
	if err := os.Remove(logoPath); err != nil {
		t.Fatal(err)
	}
	srv.ResetAndSeed()
	check("after reset and re-seed")
}
