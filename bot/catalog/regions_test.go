package catalog

import (
	"regexp"
	"strings"
	"testing"
)

func TestRegions(t *testing.T) {
	want := []string{
		"abai", "akmola", "aktobe", "almaty_region", "atyrau", "east_kazakhstan",
		"jambyl", "jetisu", "karaganda", "kostanay", "kyzylorda", "mangystau",
		"north_kazakhstan", "pavlodar", "turkistan", "ulytau", "west_kazakhstan",
		"astana", "almaty", "shymkent",
	}
	if got := RegionCodes(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("RegionCodes() = %v\nwant %v", got, want)
	}
	code := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	oblys := 0
	for _, r := range Regions {
		if !code.MatchString(r.Code) {
			t.Errorf("code %q is not lowercase ASCII", r.Code)
		}
		for what, tx := range map[string]Text{"name": r.Name, "center": r.Center} {
			if tx.KK == "" || tx.RU == "" || tx.EN == "" {
				t.Errorf("%s %s = %+v: incomplete", r.Code, what, tx)
			}
			if containsCyrillic(tx.EN) || !containsCyrillic(tx.KK) || !containsCyrillic(tx.RU) {
				t.Errorf("%s %s = %+v: wrong script", r.Code, what, tx)
			}
		}
		switch {
		case strings.HasSuffix(r.Name.KK, " облысы"):
			oblys++
			if !strings.HasSuffix(r.Name.EN, " Region") {
				t.Errorf("%s: en name %q", r.Code, r.Name.EN)
			}
		case strings.HasSuffix(r.Name.KK, " қаласы"):
			if r.Name.KK != r.Center.KK+" қаласы" {
				t.Errorf("%s: a city of republican significance is its own centre: %+v", r.Code, r)
			}
		default:
			t.Errorf("%s: kk name %q is neither an oblys nor a city", r.Code, r.Name.KK)
		}
	}
	if oblys != 17 {
		t.Errorf("%d regions, want 17", oblys)
	}
}

func TestRegionByCode(t *testing.T) {
	r, ok := RegionByCode("jetisu")
	if !ok || r.Name != (Text{KK: "Жетісу облысы", RU: "область Жетісу", EN: "Zhetysu Region"}) || r.Center.EN != "Taldykorgan" {
		t.Errorf("RegionByCode(jetisu) = %+v, %v", r, ok)
	}
	if r, ok := RegionByCode("jambyl"); !ok || r.Center.KK != "Тараз" {
		t.Errorf("RegionByCode(jambyl) = %+v, %v", r, ok)
	}
	if r, ok := RegionByCode("almaty"); !ok || r.Name.EN != "Almaty City" {
		t.Errorf("RegionByCode(almaty) = %+v, %v", r, ok)
	}
	for _, code := range []string{"", "Jetisu", "almaty_city", "zhetysu"} {
		if r, ok := RegionByCode(code); ok {
			t.Errorf("RegionByCode(%q) = %+v, want none", code, r)
		}
	}
	// Every forum of the built-in catalog is in a known region.
	for _, f := range Builtin().Forums {
		if _, ok := RegionByCode(f.Region); !ok {
			t.Errorf("%s: region %q unknown", f.ID, f.Region)
		}
	}
}
