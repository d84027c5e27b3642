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
}

// config reads the settings, and says in one line which one is wrong.
func (m *Main) config() (Config, error) {
	opts := env.Options{Environment: m.Env}
	if m.Env == nil {
		opts.Environment = env.ToMap(os.Environ())
	}
	cfg, err := env.ParseAsWithOptions[Config](opts)
	if err != nil {
		return cfg, settingsError(err)
	}
	cfg.Lang = strings.ToLower(cfg.Lang)
	if cfg.Lang != "en" && cfg.Lang != "fr" {
		return cfg, usagef("settings: NEXTDESK_LANG must be en or fr, not %q", cfg.Lang)
	}
	if cfg.HalfLife <= 0 {
		return cfg, usagef("settings: NEXTDESK_HALF_LIFE must be a positive duration such as 8760h, not %s", cfg.HalfLife)
	}
	if strings.TrimSpace(cfg.DataDir) == "" {
		return cfg, usagef("settings: NEXTDESK_DATA_DIR is empty; set it to a directory nextdesk may write to")
	}
	return cfg, nil
}

// settingsError names the environment variable at fault, where the parser
// names only the Go field, so the operator knows what to set.
func settingsError(err error) error {
	var parse env.ParseError
	if !errors.As(err, &parse) {
		return usagef("settings: %v", err)
	}
	name := parse.Name
	if f, ok := reflect.TypeFor[Config]().FieldByName(parse.Name); ok {
		name, _, _ = strings.Cut(f.Tag.Get("env"), ",")
	}
	return usagef("settings: %s: %v", name, parse.Err)
}
