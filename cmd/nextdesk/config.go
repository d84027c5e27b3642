package main

import (
	"errors"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is every setting nextdesk reads from its environment.
type Config struct {
	DataDir  string        `env:"NEXTDESK_DATA_DIR" envDefault:"./nextdesk-data"`
	Lang     string        `env:"NEXTDESK_LANG" envDefault:"en"`
	HalfLife time.Duration `env:"NEXTDESK_HALF_LIFE" envDefault:"8760h"`
	LogLevel slog.Level    `env:"NEXTDESK_LOG_LEVEL" envDefault:"info"`
	// MembershipTTL is how long a private channel's member list read from
	// Slack decides who sees its knowledge; serve reads each list again
	// before then.
	MembershipTTL time.Duration `env:"NEXTDESK_MEMBERSHIP_TTL" envDefault:"5m"`
	// LexiconDir holds the FreeDict French–English dictionaries, read at
	// start to match questions across the two languages.
	LexiconDir string `env:"NEXTDESK_LEXICON_DIR" envDefault:"/usr/share/dictd"`
	// LogFormat is text (key=value lines, for people) or json (one object
	// a line, for log collectors).
	LogFormat string `env:"NEXTDESK_LOG_FORMAT" envDefault:"text"`
}

// config reads the settings, and says in one line which one is wrong.
func (m *Main) config() (Config, error) {
	cfg, err := parseSettings[Config](m)
	if err != nil {
		return cfg, err
	}
	cfg.Lang = strings.ToLower(cfg.Lang)
	if cfg.Lang != "en" && cfg.Lang != "fr" {
		return cfg, usagef("settings: NEXTDESK_LANG must be en or fr, not %q", cfg.Lang)
	}
	if cfg.HalfLife <= 0 {
		return cfg, usagef("settings: NEXTDESK_HALF_LIFE must be a positive duration such as 8760h, not %s", cfg.HalfLife)
	}
	if cfg.MembershipTTL < time.Minute || cfg.MembershipTTL > 24*time.Hour {
		return cfg, usagef("settings: NEXTDESK_MEMBERSHIP_TTL must be between 1m and 24h, such as 5m, not %s", cfg.MembershipTTL)
	}
	cfg.LogFormat = strings.ToLower(strings.TrimSpace(cfg.LogFormat))
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, usagef("settings: NEXTDESK_LOG_FORMAT must be text or json, not %q", cfg.LogFormat)
	}
	if strings.TrimSpace(cfg.DataDir) == "" {
		return cfg, usagef("settings: NEXTDESK_DATA_DIR is empty; set it to a directory nextdesk may write to")
	}
	return cfg, nil
}

// parseSettings reads the settings T declares from m's environment. A value
// that does not parse is reported under its variable's name (the parser
// names only the Go field), so the operator knows what to fix.
func parseSettings[T any](m *Main) (T, error) {
	opts := env.Options{Environment: m.Env}
	if m.Env == nil {
		opts.Environment = env.ToMap(os.Environ())
	}
	settings, err := env.ParseAsWithOptions[T](opts)
	var parse env.ParseError
	switch {
	case err == nil:
		return settings, nil
	case !errors.As(err, &parse):
		return settings, usagef("settings: %v", err)
	}
	name := parse.Name
	if f, ok := reflect.TypeFor[T]().FieldByName(parse.Name); ok {
		name, _, _ = strings.Cut(f.Tag.Get("env"), ",")
		// slog's own message ("level string ... unknown name") does not
		// say which levels there are.
		if f.Type == reflect.TypeFor[slog.Level]() {
			return settings, usagef("settings: %s must be debug, info, warn or error, not %q", name, opts.Environment[name])
		}
	}
	return settings, usagef("settings: %s: %v", name, parse.Err)
}
