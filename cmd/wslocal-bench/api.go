package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// target is the X-Amz-Target prefix of WorkSpaces operations.
const target = "WorkspacesService."

// api calls one endpoint: signed awsJson1.1 requests for discovery and
// population, and plain JSON for wslocal's control API.
type api struct {
	url    string
	creds  aws.Credentials
	region string
	client *http.Client
}

func newAPI(url, account, region string) *api {
	return &api{
		url:    strings.TrimSuffix(url, "/"),
		creds:  aws.Credentials{AccessKeyID: account, SecretAccessKey: "wslocal-bench"},
		region: region,
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
	}
}

// signedRequest is op with body, signed now for the endpoint.
func (a *api) signedRequest(ctx context.Context, op string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target+op)
	sum := sha256.Sum256(body)
	err = v4.NewSigner().SignHTTP(ctx, a.creds, req, hex.EncodeToString(sum[:]), "workspaces", a.region, time.Now())
	return req, err
}

// apiError is an awsJson1.1 error answer.
type apiError struct {
	Op     string
	Status int
	Type   string
	Msg    string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s: HTTP %d %s: %s", e.Op, e.Status, e.Type, e.Msg)
}

// call sends op with in (marshalled to JSON) and decodes the answer into out.
func (a *api) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := a.signedRequest(ctx, op, body)
	if err != nil {
		return err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Message == "" {
			e.Message = string(data)
		}
		return &apiError{Op: op, Status: resp.StatusCode, Type: e.Type, Msg: e.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: decode %q: %w", op, data, err)
	}
	return nil
}

// control sends a request to wslocal's control API.
func (a *api) control(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.url+"/_wslocal/"+path, body)
	if err != nil {
		return err
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s /_wslocal/%s: HTTP %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
