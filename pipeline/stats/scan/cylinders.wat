;; The innermost loop of the scan's Monte Carlo (replicates.ts, packedMaxima) with 128-bit SIMD:
;; four words, eight windows, per add and test instead of one word.
;;
;; For each circle centre i, the circles grow one location at a time (cylinders k of centre i,
;; nearest first). inside[] holds the circle's packed window counts (two 16-bit counts a word,
;; four words a vector); adding location s adds its packed counts rows[s]. A cylinder is a
;; candidate when a count reaches its threshold: adding the threshold word sets bit 15 or 31
;; (see packedThresholds). Candidates are written to `hits` (k, vector, the four words) and the
;; caller computes their exact ratios; they are rare, because the thresholds come from the
;; floor below which a replicate's maximum does not matter.
;;
;; Vectors below firstVector[s] are skipped: location s has no case in those windows (its counts
;; there are zero), so the circle's counts are unchanged. V = firstVector[s] means no case at all.
;;
;; Memory (byte offsets, all chosen by the caller, 16-byte aligned where vectors are loaded):
;;   neighbours[k]   i32  location added by cylinder k
;;   thresholdAt[k]  i32  byte offset, from `thresholds`, of cylinder k's threshold row (V vectors)
;;   start[i]        i32  first cylinder of centre i; start[n] = number of cylinders
;;   firstVector[s]  i32  first vector with a case at location s, V when none
;;   rows            V vectors per location
;;   thresholds      V vectors per threshold row
;;   inside          V vectors of scratch
;;   hits            6 i32 per candidate, room for `capacity`
;; Returns the number of candidates, or -1 when they do not fit (the caller then uses the plain
;; JavaScript loop for that replicate).
;;
;; Build: scripts/build-scan-wasm.sh (wat2wasm from Debian's wabt) → cylinders.wasm, committed.
(module
  (import "env" "memory" (memory 1))
  (func (export "scan")
    (param $n i32) (param $neighbours i32) (param $thresholdAt i32) (param $start i32)
    (param $firstVector i32) (param $rows i32) (param $thresholds i32) (param $inside i32)
    (param $V i32) (param $hits i32) (param $capacity i32)
    (result i32)
    (local $i i32) (local $k i32) (local $end i32) (local $s i32) (local $v i32)
    (local $row i32) (local $threshold i32) (local $slot i32) (local $at i32) (local $count i32)
    (local $stride i32) (local $sum v128) (local $guards v128)
    (local.set $guards (v128.const i32x4 0x80008000 0x80008000 0x80008000 0x80008000))
    (local.set $stride (i32.shl (local.get $V) (i32.const 4)))
    (block $centresDone
      (loop $centres
        (br_if $centresDone (i32.ge_u (local.get $i) (local.get $n)))
        ;; An empty circle: inside = 0.
        (local.set $v (i32.const 0))
        (block $clearDone
          (loop $clear
            (br_if $clearDone (i32.ge_u (local.get $v) (local.get $V)))
            (v128.store (i32.add (local.get $inside) (i32.shl (local.get $v) (i32.const 4))) (v128.const i64x2 0 0))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br $clear)))
        (local.set $k (i32.load (i32.add (local.get $start) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $start) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2)))))
        (block $circleDone
          (loop $circle
            (br_if $circleDone (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $s (i32.load (i32.add (local.get $neighbours) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $v (i32.load (i32.add (local.get $firstVector) (i32.shl (local.get $s) (i32.const 2)))))
            (local.set $row (i32.add (local.get $rows) (i32.mul (local.get $s) (local.get $stride))))
            (local.set $threshold (i32.add (local.get $thresholds)
              (i32.load (i32.add (local.get $thresholdAt) (i32.shl (local.get $k) (i32.const 2))))))
            (block $vectorsDone
              (loop $vectors
                (br_if $vectorsDone (i32.ge_u (local.get $v) (local.get $V)))
                (local.set $slot (i32.add (local.get $inside) (i32.shl (local.get $v) (i32.const 4))))
                (local.set $sum (i32x4.add (v128.load (local.get $slot))
                  (v128.load (i32.add (local.get $row) (i32.shl (local.get $v) (i32.const 4))))))
                (v128.store (local.get $slot) (local.get $sum))
                (if (v128.any_true (v128.and (local.get $guards)
                      (i32x4.add (local.get $sum)
                        (v128.load (i32.add (local.get $threshold) (i32.shl (local.get $v) (i32.const 4)))))))
                  (then
                    (if (i32.ge_u (local.get $count) (local.get $capacity)) (then (return (i32.const -1))))
                    (local.set $at (i32.add (local.get $hits) (i32.mul (local.get $count) (i32.const 24))))
                    (i32.store (local.get $at) (local.get $k))
                    (i32.store offset=4 (local.get $at) (local.get $v))
                    (v128.store offset=8 (local.get $at) (local.get $sum))
                    (local.set $count (i32.add (local.get $count) (i32.const 1)))))
                (local.set $v (i32.add (local.get $v) (i32.const 1)))
                (br $vectors)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $circle)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $centres)))
    (local.get $count)))
