package fakeslack_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

func TestUserGroups(t *testing.T) {
	ctx := context.Background()
	srv, api := mustOpenWorkspace(t)
	srv.AddUserGroup(fakeslack.UserGroup{ID: "S1", Handle: "compta", Name: "Comptabilité", Users: []string{"U1", "U3"}})
	srv.AddUserGroup(fakeslack.UserGroup{ID: "S2", Handle: "old-team", Users: []string{"U2"}, Disabled: true})

	groups, err := api.GetUserGroupsContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].ID != "S1" || groups[0].Handle != "compta" || groups[0].UserCount != 2 || groups[0].Users != nil {
		t.Errorf("usergroups.list = %+v, want S1 alone, without its users", groups)
	}
	all, err := api.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeDisabled(true), slack.GetUserGroupsOptionIncludeUsers(true))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || !cmp.Equal(all[0].Users, []string{"U1", "U3"}) {
		t.Errorf("usergroups.list with disabled groups and users = %+v", all)
	}
	members, err := api.GetUserGroupMembersContext(ctx, "S1")
	if err != nil || !cmp.Equal(members, []string{"U1", "U3"}) {
		t.Errorf("usergroups.users.list S1 = %v, %v", members, err)
	}
	var se slack.SlackErrorResponse
	for _, id := range []string{"S2", "S404"} {
		if _, err := api.GetUserGroupMembersContext(ctx, id); !errors.As(err, &se) || se.Err != "no_such_subteam" {
			t.Errorf("usergroups.users.list %s = %v, want no_such_subteam", id, err)
		}
	}
}
