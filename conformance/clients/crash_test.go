package clients_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/internal/proctest"

	_ "modernc.org/sqlite" // the integrity check opens the file itself
)

// crashLedger is every write a killed process acknowledged with a 200.
type crashLedger struct {
	mu     sync.Mutex
	images []string            // ImportWorkspaceImage
	tags   map[string][]string // CreateTags: image id -> keys (value = key)
	dirs   []string            // RegisterWorkspaceDirectory
	acked  int
}

// snapshotImages is a copy of the images acknowledged so far.
func (l *crashLedger) snapshotImages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.images...)
}

// TestCrashSafety streams writes from several goroutines into the binary
// on a SQLite file, SIGKILLs it at a random moment, checks the file with
// PRAGMA integrity_check while no process has it open, restarts on the
// same file and checks that every acknowledged write is there; round after
// round, then everything once more at the end.
//
//	WSLOCAL_CRASH_SEED=<seed> go test -run CrashSafety -v ./conformance/clients/   # replay a run
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	const rounds, writers = 24, 4
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WSLOCAL_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("WSLOCAL_CRASH_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (replay: WSLOCAL_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	bin := proctest.Build(t)
	path := filepath.Join(t.TempDir(), "state.db")
	args := []string{"--store", "sqlite:" + path, "--clock", "real", "--step", "1s",
		"--quotas", "images=100000,directories=100000,tags=100000"}
	ledger := &crashLedger{tags: map[string][]string{}}
	var lastRound crashLedger
	start := time.Now()
	for round := range rounds {
		p := proctest.Start(t, bin, args...)
		c := sdk(p, "000000000000", "us-east-1")
		// What the previous process acknowledged survived its SIGKILL.
		checkLedger(t, c, &lastRound)
		if t.Failed() {
			t.Fatalf("round %d: acknowledged writes lost (seed %d)", round, seed)
		}

		lastRound = crashLedger{tags: map[string][]string{}}
		images := ledger.snapshotImages()
		killAt := time.Duration(rng.IntN(400)) * time.Millisecond
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			wrng := rand.New(rand.NewPCG(seed, uint64(round*writers+w+1)))
			wg.Go(func() {
				streamWrites(c, wrng, fmt.Sprintf("r%02dw%d", round, w), images, stop, ledger, &lastRound)
			})
		}
		time.Sleep(killAt)
		p.Kill()
		close(stop)
		wg.Wait()
		ledger.mu.Lock()
		durable := len(ledger.images) + len(ledger.dirs)
		ledger.mu.Unlock()
		integrityCheck(t, path, round, durable)
		t.Logf("round %2d: killed after %3dms, %3d writes acknowledged", round, killAt.Milliseconds(), lastRound.acked)
	}

	p := proctest.Start(t, bin, args...)
	c := sdk(p, "000000000000", "us-east-1")
	checkLedger(t, c, &lastRound)
	checked := checkLedger(t, c, ledger)
	if ledger.acked == 0 {
		t.Fatal("no write was acknowledged in any round")
	}
	t.Logf("%d rounds survived: %d writes acknowledged, %d checked after the last restart (%d images, %d tags, %d directories) in %v (seed %d)",
		rounds, ledger.acked, checked, len(ledger.images), countTags(ledger), len(ledger.dirs), time.Since(start).Round(time.Millisecond), seed)
}

// streamWrites sends writes until the process is gone, recording each one
// acknowledged in both ledgers.
func streamWrites(c *workspaces.Client, rng *rand.Rand, prefix string, images []string, stop <-chan struct{}, all, round *crashLedger) {
	ctx := context.Background()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		name := fmt.Sprintf("%s-%d", prefix, i)
		switch op := rng.IntN(3); {
		case op == 0 || len(images) == 0:
			id, err := importImage(ctx, c, name)
			if err != nil {
				return
			}
			record(all, round, func(l *crashLedger) { l.images = append(l.images, id) })
		case op == 1:
			img := images[rng.IntN(len(images))]
			_, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(img),
				Tags: []types.Tag{{Key: aws.String(name), Value: aws.String(name)}}})
			if err != nil {
				return
			}
			record(all, round, func(l *crashLedger) { l.tags[img] = append(l.tags[img], name) })
		default:
			// A directory id of 10 hex digits, unique per writer and write.
			dir := fmt.Sprintf("d-%010x", rng.Uint64()&0xffffffffff)
			_, err := c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(dir)})
			if err != nil {
				return
			}
			record(all, round, func(l *crashLedger) { l.dirs = append(l.dirs, dir) })
		}
	}
}

func record(all, round *crashLedger, add func(*crashLedger)) {
	for _, l := range []*crashLedger{all, round} {
		l.mu.Lock()
		add(l)
		l.acked++
		l.mu.Unlock()
	}
}

func countTags(l *crashLedger) int {
	n := 0
	for _, keys := range l.tags {
		n += len(keys)
	}
	return n
}

// checkLedger reads back every write of l and returns how many it checked.
func checkLedger(t *testing.T, c *workspaces.Client, l *crashLedger) int {
	t.Helper()
	ctx := context.Background()
	checked := 0
	for ids := range chunks(l.images, 25) {
		out, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: ids})
		if err != nil {
			t.Fatalf("DescribeWorkspaceImages: %v", err)
		}
		found := map[string]bool{}
		for _, img := range out.Images {
			found[aws.ToString(img.ImageId)] = true
		}
		for _, id := range ids {
			if !found[id] {
				t.Errorf("acknowledged image %s is gone", id)
			}
			checked++
		}
	}
	for img, keys := range l.tags {
		out, err := c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(img)})
		if err != nil {
			t.Fatalf("DescribeTags %s: %v", img, err)
		}
		have := map[string]string{}
		for _, tag := range out.TagList {
			have[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		for _, k := range keys {
			if have[k] != k {
				t.Errorf("acknowledged tag %s on %s is gone", k, img)
			}
			checked++
		}
	}
	for ids := range chunks(l.dirs, 25) {
		out, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: ids})
		if err != nil {
			t.Fatalf("DescribeWorkspaceDirectories: %v", err)
		}
		found := map[string]bool{}
		for _, d := range out.Directories {
			found[aws.ToString(d.DirectoryId)] = true
		}
		for _, id := range ids {
			if !found[id] {
				t.Errorf("acknowledged directory %s is gone", id)
			}
			checked++
		}
	}
	return checked
}

func chunks(s []string, n int) func(func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// integrityCheck opens the database read-only, as no process holds it,
// and runs SQLite's own consistency check over it, WAL included; the file
// must hold at least the resources acknowledged so far (a check that the
// read-only open saw the WAL, where recent commits live).
func integrityCheck(t *testing.T, path string, round, resources int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("round %d: integrity_check: %v", round, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		t.Fatalf("round %d: PRAGMA integrity_check after SIGKILL: %v", round, lines)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM resources`).Scan(&n); err != nil {
		t.Fatalf("round %d: count resources: %v", round, err)
	}
	if n < resources {
		t.Fatalf("round %d: %d resources in the file, fewer than the %d acknowledged", round, n, resources)
	}
}
