// Package docs holds the repository's documentation. Its only Go code is
// this test, which keeps the citations of docs/science.md resolvable.
package docs

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// scienceFile is the maths reference that code and docs cite as
// "SCIENCE §n", relative to the module root.
const scienceFile = "docs/science.md"

// selfFile is this file: its test table holds example citations, some of
// them deliberately broken, which are not citations of the repository.
const selfFile = "docs/docs_test.go"

// skipDirs are not walked (relative to the module root, slash-separated).
var skipDirs = map[string]bool{".git": true, "node_modules": true, "web/static/vendor": true}

// wantSections are the section numbers that docs/science.md must keep, in
// order: those of the working notes it replaced, which the code cites.
var wantSections = []string{
	"1", "2", "3", "4", "5", "5.1", "5.2",
	"6", "6.1", "6.2", "6.3", "6.4",
	"7", "7.1", "7.2", "7.3", "7.4",
	"8", "9", "10",
}

// sectionNumber is one cited section number after "§": "5", "5.2" (deeper
// numbers such as "3.2.3" are read whole, so that they are reported as
// missing rather than mistaken for "3.2").
var sectionNumber = regexp.MustCompile(`^§\s*(\d+(?:\.\d+)*)`)

// chainSeparator is what may stand between two § of one chain, as in
// "SCIENCE §3, §4" or "§6.1 and §6.4".
var chainSeparator = regexp.MustCompile(`^\s*(?:,|;|&|and|or|to|–|-|…)?\s*$`)

// owner is the word right before a chain of §, when there is one.
var owner = regexp.MustCompile(`([\pL\pN_./+-]+)\s*$`)

// foreignDoc recognises the name of another document before a chain: a
// name with a digit ("RFC 1951 §3.2.3"), a file name ("api.md §2") or an
// all-capital acronym ("RFC §4"), other than SCIENCE itself. Abbreviations
// such as "e.g." are not names.
var foreignDoc = regexp.MustCompile(`\d|\.(?:md|txt|go|js|html|json|pdf|py)$|^[A-Z]{2,}$`)

// citations returns the sections of docs/science.md cited on one line, in
// order. The rules:
//
//   - a chain is one "§n" or several joined by separators: "§3, §4",
//     "§6.1 and §6.4";
//   - a chain right after SCIENCE, SCIENCE.md or a path ending in
//     SCIENCE.md cites this file: "SCIENCE §5.2", "SCIENCE.md §6",
//     "shared/SCIENCE.md §3", "SCIENCE §3, §4";
//   - a chain right after the name of another document is not a citation of
//     this file: "RFC 1951 §3.2.3", "api.md §2";
//   - a bare chain (after punctuation, an ordinary word or nothing) cites
//     this file: docs/api.md's "(§6)", "(§5, §5.1, §5.2) refer to
//     SCIENCE.md", and § in doc comments of packages whose doc says section
//     numbers refer to it.
func citations(line string) []string {
	var out []string
	rest := line
	prevEnd := -1 // offset in line just after the previous § number, or -1
	offset := 0
	inScience := false // whether the current chain cites this file
	for {
		i := strings.Index(rest, "§")
		if i < 0 {
			return out
		}
		at := offset + i
		m := sectionNumber.FindStringSubmatch(line[at:])
		if m == nil {
			// A lone "§" ends any chain.
			prevEnd = -1
			rest = line[at+len("§"):]
			offset = at + len("§")
			continue
		}
		continues := prevEnd >= 0 && chainSeparator.MatchString(line[prevEnd:at])
		if !continues {
			inScience = citesScience(line[:at])
		}
		if inScience {
			out = append(out, m[1])
		}
		prevEnd = at + len(m[0])
		rest = line[prevEnd:]
		offset = prevEnd
	}
}

// citesScience reports whether a chain of § that follows before cites this
// file: it follows SCIENCE, or no other document's name.
func citesScience(before string) bool {
	m := owner.FindStringSubmatch(before)
	if m == nil {
		return true // after punctuation or at the start of the line
	}
	word := strings.TrimRightFunc(m[1], func(r rune) bool { return r == '.' || r == '-' || r == '/' })
	if word == "SCIENCE" || strings.HasSuffix(word, "SCIENCE.md") {
		return true
	}
	return !foreignDoc.MatchString(word)
}

// heading recognises the numbered headings of docs/science.md:
// "## 5. Title" (section 5) and "### 5.2 Title" (section 5.2).
var heading = regexp.MustCompile(`^(?:##\s+(\d+)\.|###\s+(\d+\.\d+)\.?)(?:\s|$)`)

// sections returns the numbered sections of a Markdown text, in order of
// appearance, ignoring fenced code blocks.
func sections(md string) []string {
	var out []string
	inFence := false
	for line := range strings.SplitSeq(md, "\n") {
		if t := strings.TrimLeftFunc(line, unicode.IsSpace); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			out = append(out, m[1]+m[2])
		}
	}
	return out
}

// citation is one cited section at a place in the repository.
type citation struct {
	file    string // slash-separated, relative to the module root
	line    int
	section string
}

func (c citation) String() string { return fmt.Sprintf("%s:%d: §%s", c.file, c.line, c.section) }

// scanned reports whether the file at rel (slash-separated, relative to the
// module root) is searched for citations: every .go and .js file, the
// Markdown files of docs/ and the top-level README.md.
func scanned(rel string) bool {
	switch {
	case rel == selfFile:
		return false
	case strings.HasSuffix(rel, ".go"), strings.HasSuffix(rel, ".js"):
		return true
	case rel == "README.md":
		return true
	case path0(rel) == "docs" && strings.HasSuffix(rel, ".md") && strings.Count(rel, "/") == 1:
		return true
	}
	return false
}

// path0 is the first element of a slash-separated path.
func path0(rel string) string {
	first, _, _ := strings.Cut(rel, "/")
	return first
}

// scan returns every citation of docs/science.md in the files under root.
func scan(root string) ([]citation, error) {
	var out []citation
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if skipDirs[rel] || d.Name() == ".git" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !scanned(rel) {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
		for n := 1; sc.Scan(); n++ {
			for _, s := range citations(sc.Text()) {
				out = append(out, citation{file: rel, line: n, section: s})
			}
		}
		return sc.Err()
	})
	return out, err
}

// missing returns the citations whose section is not in have.
func missing(cites []citation, have []string) []citation {
	var out []citation
	for _, c := range cites {
		if !slices.Contains(have, c.section) {
			out = append(out, c)
		}
	}
	return out
}

// moduleRoot is the directory of go.mod: the parent of this package's
// directory, where go test runs.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s has no go.mod: %v", root, err)
	}
	return root
}

func readScience(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(scienceFile)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestScienceCitationsResolve checks that every section cited as
// "SCIENCE §n", "SCIENCE.md §n.m", "SCIENCE §3, §4" or a bare "§n" (see
// citations) in the repository's .go, .js, docs/*.md and README.md files is
// a heading of docs/science.md.
func TestScienceCitationsResolve(t *testing.T) {
	root := moduleRoot(t)
	have := sections(readScience(t, root))
	cites, err := scan(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(cites) == 0 {
		t.Fatal("found no citation at all; the scanner is broken")
	}
	files := map[string]bool{}
	for _, c := range cites {
		files[c.file] = true
	}
	t.Logf("%d citations of %s in %d files", len(cites), scienceFile, len(files))
	for _, c := range missing(cites, have) {
		t.Errorf("%s:%d cites §%s, which is not a heading of %s (want a heading %q)",
			c.file, c.line, c.section, scienceFile, wantHeading(c.section))
	}
}

// wantHeading is the heading that section s needs: "## 5." or "### 5.2".
func wantHeading(s string) string {
	if strings.Contains(s, ".") {
		return "### " + s
	}
	return "## " + s + "."
}

// TestScienceSections checks that docs/science.md keeps exactly the section
// numbers of the notes it replaced, once each and in order.
func TestScienceSections(t *testing.T) {
	got := sections(readScience(t, moduleRoot(t)))
	if !slices.Equal(got, wantSections) {
		t.Errorf("numbered headings of %s are\n%v\nwant\n%v", scienceFile, got, wantSections)
	}
}

// TestMissingSectionIsReported removes one heading from docs/science.md in
// memory and checks that the repository's citations of it are then reported.
func TestMissingSectionIsReported(t *testing.T) {
	root := moduleRoot(t)
	text := readScience(t, root)
	cites, err := scan(root)
	if err != nil {
		t.Fatal(err)
	}
	// Only citations that resolve today can go missing below; those that
	// do not are TestScienceCitationsResolve's to report.
	var ok []citation
	for _, c := range cites {
		if slices.Contains(sections(text), c.section) {
			ok = append(ok, c)
		}
	}
	cites = ok
	for _, drop := range []string{"5.2", "6"} {
		cited := 0
		for _, c := range cites {
			if c.section == drop {
				cited++
			}
		}
		if cited == 0 {
			t.Fatalf("§%s is not cited anywhere (or its heading is missing already); pick another section for this test", drop)
		}
		var kept []string
		for line := range strings.SplitSeq(text, "\n") {
			if m := heading.FindStringSubmatch(line); m != nil && m[1]+m[2] == drop {
				continue
			}
			kept = append(kept, line)
		}
		got := missing(cites, sections(strings.Join(kept, "\n")))
		if len(got) != cited {
			t.Errorf("without the heading of §%s: %d citations reported missing, want %d: %v", drop, len(got), cited, got)
		}
		for _, c := range got {
			if c.section != drop {
				t.Errorf("without the heading of §%s, %v is reported missing too", drop, c)
			}
		}
	}
}

func TestCitations(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"// Space chooses where the landscape is drawn (SCIENCE §4).", []string{"4"}},
		{"// tammes is the table of SCIENCE §5.2: the angles", []string{"5.2"}},
		{"// computes them (SCIENCE §5.1):", []string{"5.1"}},
		{"// InitRandom draws W₀ from the seed (SCIENCE §6.2).", []string{"6.2"}},
		{" * live on the unit circle (SCIENCE.md §4): the circle", []string{"4"}},
		{"// are restated in shared/SCIENCE.md §3.", []string{"3"}},
		{"// everything follows ../shared/SCIENCE.md §10", []string{"10"}},
		{"// SCIENCE §3, §4", []string{"3", "4"}},
		{"// SCIENCE §6.1 and §6.4; see also §7", []string{"6.1", "6.4", "7"}},
		{"// SCIENCE §5.1–§5.2", []string{"5.1", "5.2"}},
		{"1/β (SCIENCE §4, discrepancy 1), so that", []string{"4"}},
		{"// softmax (SCIENCE §5 uses p > 0.01) and p > 0", []string{"5"}},
		{"// Section numbers (§5, §5.1, §5.2) refer to shared/SCIENCE.md.", []string{"5", "5.1", "5.2"}},
		{"//		run.Step()                   // one U-Hop+ optimiser step (§6)", []string{"6"}},
		{"| `uhop.loss` | full gradient (§6.4); `paper`: the authors' form (§6.2) |", []string{"6.4", "6.2"}},
		{"E_K(x) with unnormalised features (§3, §4).", []string{"3", "4"}},
		{"§9 at the start of a line", []string{"9"}},
		{"see §2 and the end", []string{"2"}},
		{"the feature view, e.g. §4 and i.e. §5", []string{"4", "5"}},
		{"the notes in protocol.md §3", nil},
		{"SCIENCE §12.3.4 is deeper than any heading", []string{"12.3.4"}},
		{"// deflate stream (RFC 1951 §3.2.3; pigz does the same).", nil},
		{"as in api.md §2", nil},
		{"as in RFC §4", nil},
		{"RFC 1951 §3.2.3 and SCIENCE §9", []string{"9"}},
		{"SCIENCE § without a number", nil},
		{"section 5 of SCIENCE.md", nil},
		{"no citation here", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := citations(tt.line); !slices.Equal(got, tt.want) {
			t.Errorf("citations(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestSections(t *testing.T) {
	md := strings.Join([]string{
		"# Title",
		"## 1. Notation",
		"text ## 2. not a heading",
		"## 2. Dense",
		"### 2.1 Sub",
		"### 2.2. Sub with a dot",
		"```",
		"## 3. inside a fence",
		"```",
		"## 10. Open points",
		"##4. no space",
		"#### 2.2.1 too deep",
		"## Unnumbered",
		"### 7 not n.m",
	}, "\n")
	want := []string{"1", "2", "2.1", "2.2", "10"}
	if got := sections(md); !slices.Equal(got, want) {
		t.Errorf("sections = %q, want %q", got, want)
	}
}

func TestScanned(t *testing.T) {
	tests := map[string]bool{
		"internal/sim/frame.go":       true,
		"web/static/js/feature.js":    true,
		"docs/api.md":                 true,
		"docs/science.md":             true,
		"README.md":                   true,
		"docs/docs_test.go":           false,
		"docs/sub/notes.md":           false,
		"internal/sim/README.md":      false,
		"e2e/notes.md":                false,
		"internal/sim/testdata/a.txt": false,
		"docs/explorer.png":           false,
	}
	for rel, want := range tests {
		if got := scanned(rel); got != want {
			t.Errorf("scanned(%q) = %v, want %v", rel, got, want)
		}
	}
}
