package workspaces_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"

	ws "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

// writePNG writes a w x w PNG to dir/name and returns its bytes.
func writePNG(t *testing.T, dir, name string, w int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, w))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeSeed writes a seed file into dir and parses it.
func writeSeed(t *testing.T, dir, doc string) (*ws.Seed, error) {
	t.Helper()
	path := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return ws.ReadSeedFile(path)
}

func getLogo(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET %s: %d %s", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return b
}

// A seeded directory's branding reads back through DescribeClientBranding,
// and its logos, read from files next to the seed, are served at their
// LogoUrls.
func TestSeedClientBranding(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "logos"), 0o755); err != nil {
		t.Fatal(err)
	}
	win := writePNG(t, dir, "logos/win.png", 3)
	ios1, ios2, ios3 := writePNG(t, dir, "ios.png", 2), writePNG(t, dir, "ios2.png", 4), writePNG(t, dir, "ios3.png", 6)
	seed, err := writeSeed(t, dir, `
accounts:
  - directories:
      - id: d-0123456789
        clientBranding:
          deviceTypeWindows:
            logo: logos/win.png
            supportEmail: help@example.com
            forgotPasswordLink: https://example.com/reset
            loginMessage: {en_US: "<p>Welcome to <b>Example</b>.</p>"}
          deviceTypeIos:
            logo: ios.png
            logo2x: ios2.png
            logo3x: ios3.png
            supportLink: https://example.com/help
`)
	if err != nil {
		t.Fatal(err)
	}
	srv := wslocaltest.Start(t)
	ctx := context.Background()
	if err := srv.Service.ApplySeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	c := workspaces.NewFromConfig(srv.AWSConfig())
	out, err := c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String("d-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	w, i := out.DeviceTypeWindows, out.DeviceTypeIos
	if w == nil || i == nil || out.DeviceTypeOsx != nil || out.DeviceTypeAndroid != nil || out.DeviceTypeLinux != nil || out.DeviceTypeWeb != nil {
		t.Fatalf("platforms = %+v", out)
	}
	if aws.ToString(w.SupportEmail) != "help@example.com" || w.SupportLink != nil ||
		aws.ToString(w.ForgotPasswordLink) != "https://example.com/reset" ||
		w.LoginMessage["en_US"] != "<p>Welcome to <b>Example</b>.</p>" || len(w.LoginMessage) != 1 {
		t.Errorf("windows = %+v", w)
	}
	if aws.ToString(i.SupportLink) != "https://example.com/help" || i.SupportEmail != nil || i.ForgotPasswordLink != nil || i.LoginMessage != nil {
		t.Errorf("ios = %+v", i)
	}
	wantURL := srv.URL + ws.BrandingPath + "000000000000/us-east-1/d-0123456789/DeviceTypeWindows/logo"
	if aws.ToString(w.LogoUrl) != wantURL {
		t.Errorf("LogoUrl = %s, want %s", aws.ToString(w.LogoUrl), wantURL)
	}
	for _, l := range []struct {
		url  *string
		want []byte
	}{{w.LogoUrl, win}, {i.LogoUrl, ios1}, {i.Logo2xUrl, ios2}, {i.Logo3xUrl, ios3}} {
		if l.url == nil {
			t.Errorf("a logo has no URL: %+v", i)
			continue
		}
		if got := getLogo(t, *l.url); !bytes.Equal(got, l.want) {
			t.Errorf("GET %s = %d bytes, want the %d of the file", *l.url, len(got), len(l.want))
		}
	}

	// Applied again, the seed replaces the branding, as a directory it
	// redeclares: a platform dropped from the seed is gone.
	seed, err = writeSeed(t, dir, `
accounts:
  - directories:
      - id: d-0123456789
        clientBranding:
          deviceTypeWeb: {supportLink: https://example.com/web}
`)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Service.ApplySeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	out, err = c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String("d-0123456789")})
	if err != nil || out.DeviceTypeWindows != nil || out.DeviceTypeIos != nil || out.DeviceTypeWeb == nil ||
		aws.ToString(out.DeviceTypeWeb.SupportLink) != "https://example.com/web" {
		t.Errorf("after the second seed: %+v, %v", out, err)
	}
}

// Each refusal of ImportClientBranding is a seed error at its line and
// field.
func TestSeedClientBrandingErrors(t *testing.T) {
	dir := t.TempDir()
	writePNG(t, dir, "logo.png", 2)
	if err := os.WriteFile(filepath.Join(dir, "logo.gif"), []byte("GIF89a...."), 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 1_400_000) // under each logo's limit, over 6 MB in five
	copy(big, "\x89PNG\r\n\x1a\n")
	if err := os.WriteFile(filepath.Join(dir, "big.png"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	const head = `
accounts:
  - directories:
      - id: d-0123456789
        clientBranding:
`
	for _, c := range []struct {
		name, doc string
		line, col int
		field     string
		msg       string
	}{
		{"email and link", `
          deviceTypeWindows:
            supportEmail: help@example.com
            supportLink: https://example.com/help
`, 8, 26, "accounts[0].directories[0].clientBranding.deviceTypeWindows.supportLink",
			"In DeviceTypeWindows, SupportEmail and SupportLink are mutually exclusive: give one of them, not both."},
		{"not a PNG", `
          deviceTypeOsx: {logo: logo.gif}
`, 6, 33, "accounts[0].directories[0].clientBranding.deviceTypeOsx.logo",
			"The Logo of DeviceTypeOsx is not a PNG image: the only image format accepted is PNG."},
		{"not a PNG, iOS 3x", `
          deviceTypeIos:
            logo: logo.png
            logo3x: logo.gif
`, 8, 21, "accounts[0].directories[0].clientBranding.deviceTypeIos.logo3x",
			"The Logo3x of DeviceTypeIos is not a PNG image"},
		{"locale", `
          deviceTypeAndroid:
            loginMessage:
              en_US: Hello
              fr_FR: Bonjour
`, 9, 15, `accounts[0].directories[0].clientBranding.deviceTypeAndroid.loginMessage.fr_FR`,
			"The LoginMessage of DeviceTypeAndroid has the locale fr_FR: the only locale supported is en_US."},
		{"HTML tag", `
          deviceTypeLinux:
            loginMessage:
              en_US: "Hello <script>alert(1)</script>"
`, 8, 22, `accounts[0].directories[0].clientBranding.deviceTypeLinux.loginMessage.en_US`,
			"The LoginMessage of DeviceTypeLinux has the HTML tag <script>, which is not supported; the tags supported are a, b,"},
		{"6 MB", `
          deviceTypeWindows: {logo: big.png}
          deviceTypeOsx: {logo: big.png}
          deviceTypeAndroid: {logo: big.png}
          deviceTypeLinux: {logo: big.png}
          deviceTypeWeb: {logo: big.png}
`, 5, 9, "accounts[0].directories[0].clientBranding",
			"The logos of this request have 7000000 bytes; one request can import up to 6 MB (6000000 bytes)."},
		{"empty platform", `
          deviceTypeWeb: {}
`, 6, 11, "accounts[0].directories[0].clientBranding.deviceTypeWeb",
			"The branding for DeviceTypeWeb is empty"},
		{"null platform", `
          deviceTypeOsx:
`, 6, 11, "accounts[0].directories[0].clientBranding.deviceTypeOsx",
			"The branding for DeviceTypeOsx is empty"},
		{"model: email", `
          deviceTypeWeb: {supportEmail: nobody}
`, 6, 41, "accounts[0].directories[0].clientBranding.deviceTypeWeb.supportEmail",
			`"nobody" breaks the model's constraint: Member must`},
		{"model: logo size", `
          deviceTypeIos: {logo: big.png}
`, 6, 33, "accounts[0].directories[0].clientBranding.deviceTypeIos.logo",
			"the logo has 1400000 bytes, which breaks the model's constraint: Member must have length less than or equal to 447000"},
		{"unknown platform", `
          deviceTypeMac: {supportLink: https://example.com}
`, 6, 11, `accounts[0].directories[0].clientBranding.deviceTypeMac`,
			`"deviceTypeMac" is not a platform; give one of deviceTypeWindows, deviceTypeOsx, deviceTypeAndroid, deviceTypeIos, deviceTypeLinux, deviceTypeWeb`},
		{"logo2x off iOS", `
          deviceTypeWindows: {logo2x: logo.png}
`, 6, 39, "accounts[0].directories[0].clientBranding.deviceTypeWindows.logo2x", "only deviceTypeIos has a logo2x"},
		{"missing file", `
          deviceTypeWindows: {logo: nowhere.png}
`, 6, 37, "accounts[0].directories[0].clientBranding.deviceTypeWindows.logo", "cannot read the logo: stat " + filepath.Join(dir, "nowhere.png")},
		{"a directory as a logo", `
          deviceTypeWindows: {logo: .}
`, 6, 37, "accounts[0].directories[0].clientBranding.deviceTypeWindows.logo", dir + " is not a regular file; give a PNG file"},
		{"unknown field", `
          deviceTypeWindows: {banner: logo.png}
`, 6, 31, "accounts[0].directories[0].clientBranding.deviceTypeWindows.banner", `unknown field "banner"`},
	} {
		_, err := writeSeed(t, dir, head+strings.TrimPrefix(c.doc, "\n"))
		var se *ws.SeedError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v is not a *SeedError", c.name, err)
			continue
		}
		if se.Line != c.line || se.Column != c.col || se.Field != c.field || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("%s: %v\n  (at %d:%d, field %s), want %d:%d %s saying %q", c.name, err, se.Line, se.Column, se.Field, c.line, c.col, c.field, c.msg)
		}
		if !strings.HasPrefix(err.Error(), filepath.Join(dir, "seed.yaml")+":") {
			t.Errorf("%s: %v does not start with the file", c.name, err)
		}
	}
}
