package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthSettings is where a running `nextdesk serve` listens.
type healthSettings struct {
	Addr string `env:"NEXTDESK_ADDR" envDefault:":3000"`
}

// healthcheck asks the local server's /healthz whether it is healthy, for
// container health checks on images that have no curl (distroless). It
// exits 0 when the server says ok, and 1 with its reason otherwise.
func (m *Main) healthcheck(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	s, err := parseSettings[healthSettings](m)
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return usagef("settings: NEXTDESK_ADDR must be host:port, such as :3000, not %q", s.Addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	reason := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s: %s", resp.Status, reason)
	}
	fmt.Fprintln(m.Stdout, reason)
	return nil
}
