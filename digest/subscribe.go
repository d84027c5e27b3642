package digest

import (
	"context"
	"fmt"
	"strings"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Subscriptions records who wants the personal weekly digest; *sqlite.DB
// implements it.
type Subscriptions interface {
	SetDigestSubscription(ctx context.Context, person string, on bool) error
	DigestSubscribed(ctx context.Context, person string) (bool, error)
}

// Subscribe does what "/nextdesk digest ARGS" asks for person and returns
// the reply to show them, in lang: "on" starts their personal weekly
// digest, "off" stops it, nothing says where they stand, and anything else
// gets the usage. Saying "on" twice is harmless. It returns an EINVALID
// error for an empty person, and the store's errors, wrapped.
func Subscribe(ctx context.Context, subs Subscriptions, person, args, lang string) (string, error) {
	if person == "" {
		return "", knowledge.Errorf(knowledge.EINVALID, "A digest subscription needs a person.")
	}
	switch strings.ToLower(strings.TrimSpace(args)) {
	case "on":
		if err := subs.SetDigestSubscription(ctx, person, true); err != nil {
			return "", fmt.Errorf("digest on for %s: %w", person, err)
		}
		return i18n.Tr(lang, "subscribe.on"), nil
	case "off":
		if err := subs.SetDigestSubscription(ctx, person, false); err != nil {
			return "", fmt.Errorf("digest off for %s: %w", person, err)
		}
		return i18n.Tr(lang, "subscribe.off"), nil
	case "", "status":
		on, err := subs.DigestSubscribed(ctx, person)
		if err != nil {
			return "", fmt.Errorf("digest status of %s: %w", person, err)
		}
		if on {
			return i18n.Tr(lang, "subscribe.status_on"), nil
		}
		return i18n.Tr(lang, "subscribe.status_off"), nil
	}
	return i18n.Tr(lang, "subscribe.usage"), nil
}
