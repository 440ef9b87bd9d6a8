// Command score applies a trained predictor: it loads a predictor saved
// with -save (examples/fewshot, examples/train) or Predictor.SaveFile,
// reads architecture strings, one per line, from a file or standard input,
// and writes each one's score and rank as CSV or JSON.
//
//	go run ./examples/train -csv labelled.csv -metric accuracy -save p.hnp
//	go run ./examples/score -predictor p.hnp -in candidates.txt > scores.csv
//	some-generator | go run ./examples/score -predictor p.hnp -format json -sort
//
// Each line is one architecture in the space's text form (-space: nb201
// arch strings, nb101 cells such as 100101:I3MO, DARTS genotypes,
// TransNAS-Bench-101 strings); blank lines and lines starting with # are
// ignored. A line that is not an architecture of the space stops the run
// with an error naming its line (-bad fail, the default), or is reported
// on stderr with its line number and left out (-bad skip; the JSON output
// lists it under "skipped"). Higher scores are better; rank 1 is the best,
// and equal scores share the best rank among them. Scores are on the scale
// of the training labels but are not calibrated accuracies: they rank the
// candidates.
package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	cli.Exit("score", err)
}

// candidate is one architecture line of the input.
type candidate struct {
	Line  int     `json:"line"`
	Arch  string  `json:"architecture"`
	Score float64 `json:"score"`
	Rank  int     `json:"rank"`
	arch  searchspace.Arch
}

// badLine is an input line that is not an architecture of the space.
type badLine struct {
	Line  int    `json:"line"`
	Text  string `json:"text"`
	Error string `json:"error"`
}

type output struct {
	Predictor string      `json:"predictor"`
	Space     string      `json:"space"`
	Scored    int         `json:"scored"`
	Results   []candidate `json:"results"`
	Skipped   []badLine   `json:"skipped"`
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := cli.NewFlags("score", stderr)
	var (
		predictor = fl.String("predictor", "", "saved predictor file (required)")
		spaceName = fl.String("space", "nb201", "the space the predictor was trained on: "+strings.Join(cli.Names(), ", "))
		in        = fl.String("in", "-", "file of architecture strings, one per line (-: standard input)")
		out       = fl.String("out", "", "write the scores to this file (default: standard output)")
		format    = fl.String("format", "csv", "output format: csv (architecture,score,rank) or json")
		bad       = fl.String("bad", "fail", "a line that is not an architecture: fail (stop with its line number) or skip (report it on stderr and go on)")
		sortOut   = fl.Bool("sort", false, "write the candidates best first (default: in input order)")
		workers   = fl.Int("workers", hypernas.Defaults().Workers, "prediction goroutines (0: one per CPU)")
	)
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *predictor == "" {
		fl.Refuse("predictor", *predictor, "required: the file a predictor was saved to")
	}
	fl.OneOf("space", *spaceName, "space", cli.Names())
	fl.OneOf("format", *format, "format", []string{"csv", "json"})
	fl.OneOf("bad", *bad, "choice", []string{"fail", "skip"})
	fl.AtLeast("workers", *workers, 0)
	fl.OutputFile("out")
	if *in != "-" {
		if _, err := os.Stat(*in); err != nil {
			fl.Refuse("in", *in, "%v", err)
		}
	}
	if err := fl.Err(); err != nil {
		return err
	}

	sp, err := cli.Lookup(*spaceName)
	if err != nil {
		return err
	}
	space, err := sp.New()
	if err != nil {
		return err
	}
	p, err := hypernas.LoadFile(*predictor, space, hypernas.WithWorkers(*workers))
	if err != nil {
		return fmt.Errorf("-predictor %s: %w (give -space the space it was trained on)", *predictor, err)
	}

	r, name := stdin, "standard input"
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		r, name = f, *in
	}
	cands, skipped, err := readCandidates(r, space)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, b := range skipped {
		if *bad == "fail" {
			return fmt.Errorf("%s: line %d: %s (-bad skip leaves such lines out)", name, b.Line, b.Error)
		}
		fmt.Fprintf(stderr, "score: %s: line %d: %s: skipped\n", name, b.Line, b.Error)
	}
	if len(cands) == 0 {
		return fmt.Errorf("%s: no architectures to score", name)
	}

	archs := make([]searchspace.Arch, len(cands))
	for i, c := range cands {
		archs[i] = c.arch
	}
	scores, err := p.Predict(ctx, archs)
	if err != nil {
		return err
	}
	for i := range cands {
		cands[i].Score = scores[i]
	}
	rank(cands)
	if *sortOut {
		slices.SortStableFunc(cands, func(a, b candidate) int { return cmp.Compare(a.Rank, b.Rank) })
	}

	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	if *format == "json" {
		err = cli.WriteJSONLine(bw, output{Predictor: *predictor, Space: sp.Name, Scored: len(cands), Results: cands, Skipped: skipped})
	} else {
		err = writeCSV(bw, cands)
	}
	err = errors.Join(err, bw.Flush())
	if f != nil {
		err = errors.Join(err, f.Close())
	}
	if err == nil && len(skipped) > 0 {
		plural := "s"
		if len(skipped) == 1 {
			plural = ""
		}
		fmt.Fprintf(stderr, "score: scored %d architectures; skipped %d bad line%s\n", len(cands), len(skipped), plural)
	}
	return err
}

// readCandidates reads one architecture per line: blank lines and lines
// starting with # are ignored, the others parsed and validated; the ones
// that fail are returned as bad lines, in order.
func readCandidates(r io.Reader, space searchspace.SearchSpace) ([]candidate, []badLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var cands []candidate
	var bad []badLine
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		a, err := space.Parse(text)
		if err == nil {
			err = space.Validate(a)
		}
		if err != nil {
			bad = append(bad, badLine{Line: line, Text: text, Error: err.Error()})
			continue
		}
		cands = append(cands, candidate{Line: line, Arch: text, arch: a})
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	return cands, bad, nil
}

// rank gives rank 1 to the highest score; equal scores share the best
// rank among them (1, 2, 2, 4).
func rank(cands []candidate) {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cands[b].Score, cands[a].Score) })
	for k, i := range order {
		cands[i].Rank = k + 1
		if k > 0 && cands[i].Score == cands[order[k-1]].Score {
			cands[i].Rank = cands[order[k-1]].Rank
		}
	}
}

func writeCSV(w io.Writer, cands []candidate) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"architecture", "score", "rank"}); err != nil {
		return err
	}
	for _, c := range cands {
		if err := cw.Write([]string{c.Arch, strconv.FormatFloat(c.Score, 'g', -1, 64), strconv.Itoa(c.Rank)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
