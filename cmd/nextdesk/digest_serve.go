package main

import (
	"log/slog"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// digestPublisher returns the publisher of the weekly digest and of the
// personal digests for `nextdesk serve`, configured from the digest
// settings: the server runs its Run beside the bot, and bot.DigestTask
// lists it among the bot's tasks. It returns a usage error naming a wrong
// setting.
func (m *Main) digestPublisher(cfg Config, db *sqlite.DB, api digest.Slack, log *slog.Logger) (*digest.Publisher, error) {
	dcfg, err := m.digestConfig(cfg.Lang)
	if err != nil {
		return nil, err
	}
	return digest.NewPublisher(dcfg, db, api, nil, log)
}
