package dirlock

import "testing"

func TestTakeRefusesASecondHolderUntilTheFirstLetsGo(t *testing.T) {
	dir := t.TempDir()
	first, err := Take(dir, "data directory")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Take(dir, "data directory"); err == nil {
		t.Fatal("a second lock on a held directory was granted")
	}
	first.Close()
	again, err := Take(dir, "data directory")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.Close()
}
