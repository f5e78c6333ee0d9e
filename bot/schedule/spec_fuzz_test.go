package schedule

import (
	"testing"
	"time"
)

// FuzzParse: whatever an organizer types as a schedule — times, a cron
// expression, "from" a date — Parse never panics (robfig/cron does on some
// input), refuses with a SpecError, and a spec it accepts is stored in a
// form ParseStored reads back to the same slots, each after now.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"25.11.2026 10:00", "25.11.2026 10:00, 26.11.2026 11:30", "0 10 * * *", "@daily", "0 10 * * * from 25.11.2026",
		"TZ=Asia/Almaty 0 10 * * *", "CRON_TZ=", "* * * * *", "0 0 31 2 *", "@every 1s", "0 10 * * 1-5", "31.02.2026 10:00",
		"TZ=", "0 0 0 0 0", "@yearly from 01.01.2027", "1-60/0 * * * *",
	} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, input string) {
		sp, err := Parse(input, loc, now)
		if err != nil {
			if _, ok := IsSpecError(err); !ok {
				t.Fatalf("Parse(%q): %T %v is not a SpecError", input, err, err)
			}
			return
		}
		if sp.Stored == "" {
			t.Fatalf("Parse(%q) stores nothing", input)
		}
		slots := sp.NextN(now, 3)
		if len(slots) == 0 || !slots[0].After(now) {
			t.Fatalf("Parse(%q): next slots %v, not after %v", input, slots, now)
		}
		again, err := ParseStored(sp.Stored, sp.From, loc, now)
		if err != nil {
			t.Fatalf("ParseStored(%q) of Parse(%q): %v", sp.Stored, input, err)
		}
		got := again.NextN(now, 3)
		if len(got) != len(slots) {
			t.Fatalf("%q read back plans %v, was %v", sp.Stored, got, slots)
		}
		for i := range got {
			if !got[i].Equal(slots[i]) {
				t.Fatalf("%q read back plans %v, was %v", sp.Stored, got, slots)
			}
		}
	})
}
