package bot

import (
	"strings"
	"testing"
)

func TestConfigProposalLimit(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(env(nil))
	if err != nil || c.ProposalLimit != 5 {
		t.Fatalf("default PROPOSAL_LIMIT: %d, %v", c.ProposalLimit, err)
	}
	if c, err = ConfigFromEnv(env(map[string]string{"PROPOSAL_LIMIT": " 12 "})); err != nil || c.ProposalLimit != 12 {
		t.Errorf("PROPOSAL_LIMIT=12: %d, %v", c.ProposalLimit, err)
	}
	for _, bad := range []string{"0", "-1", "five", "1001", "2.5"} {
		_, err := ConfigFromEnv(env(map[string]string{"PROPOSAL_LIMIT": bad}))
		if err == nil || !strings.Contains(err.Error(), "PROPOSAL_LIMIT") {
			t.Errorf("PROPOSAL_LIMIT=%s: %v", bad, err)
		}
	}
}
