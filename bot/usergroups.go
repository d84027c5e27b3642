package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge"
)

// DirectoryAPI is the part of Slack's Web API that says who is who: user
// groups (usergroups:read) and accounts (users:read).
type DirectoryAPI interface {
	GetUserGroupsContext(ctx context.Context, options ...slack.GetUserGroupsOption) ([]slack.UserGroup, error)
	GetUserGroupMembersContext(ctx context.Context, userGroup string, options ...slack.GetUserGroupMembersOption) ([]string, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
}

var _ DirectoryAPI = (*slack.Client)(nil)

// Directory reads from Slack the people an import of teams names: the
// members of a user group, and whether an account exists. It is safe for
// concurrent use.
type Directory struct {
	api DirectoryAPI

	once    sync.Once
	handles map[string]string // lower-case handle → group id
	err     error
}

// NewDirectory returns a Directory on api.
func NewDirectory(api DirectoryAPI) *Directory { return &Directory{api: api} }

// GroupMembers returns the ids of the members of a user group, named by
// handle ("@compta", found with usergroups.list) or id ("S…"), read with
// usergroups.users.list. It returns an ENOTFOUND error when Slack has no
// such group (or it is disabled), and an error naming the missing scope
// when the app may not read user groups.
func (d *Directory) GroupMembers(ctx context.Context, ref string) ([]string, error) {
	id := ref
	if handle, ok := strings.CutPrefix(ref, "@"); ok {
		d.once.Do(func() { d.handles, d.err = d.loadHandles(ctx) })
		if d.err != nil {
			return nil, d.err
		}
		if id, ok = d.handles[strings.ToLower(handle)]; !ok {
			return nil, knowledge.Errorf(knowledge.ENOTFOUND, "Slack has no user group @%s.", handle)
		}
	}
	ids, err := d.api.GetUserGroupMembersContext(ctx, id)
	if err != nil {
		return nil, slackDirectoryError("usergroups.users.list", err)
	}
	return ids, nil
}

func (d *Directory) loadHandles(ctx context.Context) (map[string]string, error) {
	groups, err := d.api.GetUserGroupsContext(ctx)
	if err != nil {
		return nil, slackDirectoryError("usergroups.list", err)
	}
	handles := make(map[string]string, len(groups))
	for _, g := range groups {
		handles[strings.ToLower(g.Handle)] = g.ID
	}
	return handles, nil
}

// Person returns what Slack says of a user now (users.info), or an
// ENOTFOUND error when Slack has no such user. A Directory does not know
// the workspace's team, so only Slack's own flags (guest, stranger) mark a
// person restricted: it checks the people an administrator listed, and
// what it returns is not kept.
func (d *Directory) Person(ctx context.Context, id string) (knowledge.Person, error) {
	u, err := d.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return knowledge.Person{}, slackDirectoryError("users.info", err)
	}
	return slackPerson(u, "", ""), nil
}

// slackDirectoryError turns Slack's answers into domain errors: not found
// for a group or user Slack does not have, a message naming the scope to
// add for a missing one.
func slackDirectoryError(method string, err error) error {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return fmt.Errorf("%s: %w", method, err)
	}
	switch se.Err {
	case "no_such_subteam", "user_not_found", "subteam_not_found":
		return knowledge.Errorf(knowledge.ENOTFOUND, "Slack says %s.", se.Err)
	case "missing_scope":
		scope := "usergroups:read"
		if method == "users.info" {
			scope = "users:read"
		}
		return fmt.Errorf("%s: the Slack app lacks the %s scope: add it to the app (see docs/slack-setup.md) and reinstall: %w", method, scope, err)
	}
	return fmt.Errorf("%s: %w", method, err)
}
