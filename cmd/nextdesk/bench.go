package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nextdesk/nextdesk/internal/synth"
	"github.com/nextdesk/nextdesk/knowledge"
)

// benchReport is what `nextdesk bench` measured, with the settings that
// produced it, so a figure is never quoted without its conditions.
type benchReport struct {
	Questions       int     `json:"questions"`
	People          int     `json:"people"`
	CPUs            int     `json:"cpus"`
	ImportSeconds   float64 `json:"import_seconds"`
	QuestionsPerSec float64 `json:"questions_per_second"`
	// ImportCPUSeconds is the processor time the import took, all threads
	// together: unlike wall time, it does not depend on what else the
	// machine runs.
	ImportCPUSeconds float64 `json:"import_cpu_seconds"`
	Queries          int     `json:"queries"`
	// EngineP50ms and EngineP99ms time the engine's whole judgement of a
	// question as the bot pays it: the past answers and the experts
	// together (Engine.Consider), one search and one store read.
	EngineP50ms float64 `json:"engine_p50_ms"`
	EngineP99ms float64 `json:"engine_p99_ms"`
	// EngineCPUms is the processor time per question, all threads
	// together, over the whole run of queries.
	EngineCPUms float64 `json:"engine_cpu_ms_per_question"`
	// ExpertHit5 is the share of queries whose generated core experts
	// include one of the first five proposed: a check that the speed was
	// not bought with wrong answers.
	ExpertHit5    float64 `json:"expert_hit5"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	DataDirMiB    float64 `json:"data_dir_mib"`
	StoreMiB      float64 `json:"store_mib"`
	IndexMiB      float64 `json:"index_mib"`
	BytesPerQuest float64 `json:"bytes_per_question"`
}

func (m *Main) bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	questions := fs.Int("questions", 100_000, "synthetic questions to import and index")
	people := fs.Int("people", 2000, "people in the synthetic workspace")
	queries := fs.Int("queries", 1000, "questions to judge (past answers and experts together)")
	seed := fs.Int64("seed", 1, "generator seed")
	dir := fs.String("dir", "", "data directory to fill (default: a temporary one, removed afterwards)")
	asJSON := fs.Bool("json", false, "print JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed questions to this file")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *questions < 1 || *queries < 1 {
		return usagef("bench: --questions and --queries must be positive")
	}
	genCfg := synth.Config{Seed: *seed, People: *people}
	if err := genCfg.Validate(); err != nil {
		return usagef("bench: %s", knowledge.ErrorMessage(err))
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	cfg.DataDir = *dir
	if cfg.DataDir == "" {
		tmp, err := os.MkdirTemp("", "nextdesk-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		cfg.DataDir = tmp
	}
	kb, err := openKnowledge(ctx, cfg, m.logger(cfg))
	if err != nil {
		return err
	}
	defer kb.Close()

	gen := synth.New(genCfg)
	rep := benchReport{Questions: *questions, People: *people, CPUs: runtime.NumCPU(), Queries: *queries}
	start, startCPU := time.Now(), cpuTime()
	if _, err := kb.Import(ctx, knowledge.Batch{People: gen.People(), Conversations: gen.Conversations()}); err != nil {
		return err
	}
	progress := time.Now()
	done := 0
	for b := range gen.Batches(*questions, 1000) {
		if _, err := kb.Import(ctx, b); err != nil {
			return err
		}
		done += len(b.Questions)
		if time.Since(progress) > 10*time.Second {
			progress = time.Now()
			fmt.Fprintf(m.Stderr, "bench: %d/%d questions, %.0f/s\n", done, *questions, float64(done)/time.Since(start).Seconds())
		}
	}
	if err := kb.Sync(ctx); err != nil {
		return err
	}
	rep.ImportSeconds = time.Since(start).Seconds()
	rep.ImportCPUSeconds = (cpuTime() - startCPU).Seconds()
	rep.QuestionsPerSec = float64(*questions) / rep.ImportSeconds

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var took []time.Duration
	hits := 0
	queriesCPU := cpuTime()
	for i := range *queries {
		q := gen.Query(i)
		v := knowledge.Viewer{PersonID: q.Asker}
		t0 := time.Now()
		c, err := kb.Engine.Consider(ctx, q, v)
		if err != nil {
			return fmt.Errorf("query %d: %w", i, err)
		}
		took = append(took, time.Since(t0))
		xs := c.Experts
		want := gen.Expected(i)
		for _, x := range xs[:min(5, len(xs))] {
			if slices.Contains(want, x.Person.ID) {
				hits++
				break
			}
		}
	}
	rep.EngineCPUms = float64(cpuTime()-queriesCPU) / float64(time.Millisecond) / float64(*queries)
	rep.EngineP50ms, rep.EngineP99ms = percentileMS(took, 50), percentileMS(took, 99)
	rep.ExpertHit5 = float64(hits) / float64(*queries)
	rep.PeakRSSMiB = float64(peakRSS()) / (1 << 20)
	rep.StoreMiB = float64(dirSize(cfg.DataDir, func(p string) bool { return strings.HasPrefix(filepath.Base(p), "nextdesk.db") })) / (1 << 20)
	rep.IndexMiB = float64(dirSize(indexPath(cfg.DataDir), nil)) / (1 << 20)
	rep.DataDirMiB = float64(dirSize(cfg.DataDir, nil)) / (1 << 20)
	rep.BytesPerQuest = rep.DataDirMiB * (1 << 20) / float64(*questions)

	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	w := m.Stdout
	fmt.Fprintf(w, "synthetic history: %d questions, %d people, %d CPUs\n", rep.Questions, rep.People, rep.CPUs)
	fmt.Fprintf(w, "import+index:      %.1f s, %.0f questions/s (%.1f s of CPU)\n", rep.ImportSeconds, rep.QuestionsPerSec, rep.ImportCPUSeconds)
	fmt.Fprintf(w, "engine per question: p50 %.1f ms, p99 %.1f ms, %.1f ms of CPU, over %d questions (expert in top 5: %.0f%%)\n", rep.EngineP50ms, rep.EngineP99ms, rep.EngineCPUms, rep.Queries, 100*rep.ExpertHit5)
	fmt.Fprintf(w, "peak memory (RSS): %.0f MiB\n", rep.PeakRSSMiB)
	fmt.Fprintf(w, "data directory:    %.0f MiB (store %.0f MiB, index %.0f MiB; %.0f bytes per question)\n", rep.DataDirMiB, rep.StoreMiB, rep.IndexMiB, rep.BytesPerQuest)
	return nil
}

func percentileMS(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return float64(s[max(i, 0)]) / float64(time.Millisecond)
}

// cpuTime returns the processor time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns the process's peak resident memory (VmHWM) in bytes, or 0
// where /proc does not tell it.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// dirSize adds up the sizes of the files under dir that keep accepts (all
// when keep is nil).
func dirSize(dir string, keep func(path string) bool) int64 {
	var total int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (keep != nil && !keep(path)) {
			return nil
		}
		if info, err := d.Info(); err == nil {
			total += info.Size()
		}
		return nil
	})
	return total
}
