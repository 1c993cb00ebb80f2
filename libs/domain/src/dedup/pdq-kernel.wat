;; The PDQ index's candidate filter (see pdq-kernel.ts for why it is WebAssembly).
;;
;; Memory of one bucket table: probes at byte 0 (PROBE_BYTES), survivors after them
;; (SURVIVOR_BYTES), then the table's slots of 3 little-endian u32 words (12 bytes) each.
;; A probe is 3 i32: first slot byte, end byte (exclusive), and the distance budget of its
;; bucket. scan() writes the byte address of every slot whose 96 bits differ from the query's
;; (qa, qb, qc) in at most the budget, and returns how many; -1 when more than `cap` survive
;; (the caller then scans that chunk in JavaScript).
;;
;; scanEach() is the same filter for probes of many queries at once (batched lookups): a probe
;; is 6 i32 (first slot byte, end byte, budget, and the query's 3 inline words), and each
;; survivor is written as 2 i32: the slot's byte address and the probe's index.
(module
  (import "env" "memory" (memory 1))
  (func (export "scan")
    (param $probes i32) (param $count i32)
    (param $qa i32) (param $qb i32) (param $qc i32)
    (param $out i32) (param $cap i32)
    (result i32)
    (local $q01 i64) (local $r i32) (local $rEnd i32)
    (local $p i32) (local $end i32) (local $limit i32) (local $found i32)
    (local.set $q01
      (i64.or
        (i64.extend_i32_u (local.get $qa))
        (i64.shl (i64.extend_i32_u (local.get $qb)) (i64.const 32))))
    (local.set $r (local.get $probes))
    (local.set $rEnd (i32.add (local.get $probes) (i32.mul (local.get $count) (i32.const 12))))
    (block $done
      (loop $nextProbe
        (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
        (local.set $p (i32.load (local.get $r)))
        (local.set $end (i32.load offset=4 (local.get $r)))
        (local.set $limit (i32.load offset=8 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (i32.const 12)))
        (block $bucketDone
          (loop $nextSlot
            (br_if $bucketDone (i32.ge_u (local.get $p) (local.get $end)))
            (if
              (i32.le_s
                (i32.add
                  (i32.wrap_i64
                    (i64.popcnt (i64.xor (i64.load align=4 (local.get $p)) (local.get $q01))))
                  (i32.popcnt (i32.xor (i32.load offset=8 (local.get $p)) (local.get $qc))))
                (local.get $limit))
              (then
                (if (i32.ge_u (local.get $found) (local.get $cap))
                  (then (return (i32.const -1))))
                (i32.store
                  (i32.add (local.get $out) (i32.shl (local.get $found) (i32.const 2)))
                  (local.get $p))
                (local.set $found (i32.add (local.get $found) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 12)))
            (br $nextSlot)))
        (br $nextProbe)))
    (local.get $found))
  (func (export "scanEach")
    (param $probes i32) (param $count i32) (param $out i32) (param $cap i32)
    (result i32)
    (local $q01 i64) (local $qc i32) (local $r i32) (local $rEnd i32) (local $index i32)
    (local $p i32) (local $end i32) (local $limit i32) (local $found i32)
    (local.set $r (local.get $probes))
    (local.set $rEnd (i32.add (local.get $probes) (i32.mul (local.get $count) (i32.const 24))))
    (block $done
      (loop $nextProbe
        (br_if $done (i32.ge_u (local.get $r) (local.get $rEnd)))
        (local.set $p (i32.load (local.get $r)))
        (local.set $end (i32.load offset=4 (local.get $r)))
        (local.set $limit (i32.load offset=8 (local.get $r)))
        (local.set $q01 (i64.load offset=12 align=4 (local.get $r)))
        (local.set $qc (i32.load offset=20 (local.get $r)))
        (block $bucketDone
          (loop $nextSlot
            (br_if $bucketDone (i32.ge_u (local.get $p) (local.get $end)))
            (if
              (i32.le_s
                (i32.add
                  (i32.wrap_i64
                    (i64.popcnt (i64.xor (i64.load align=4 (local.get $p)) (local.get $q01))))
                  (i32.popcnt (i32.xor (i32.load offset=8 (local.get $p)) (local.get $qc))))
                (local.get $limit))
              (then
                (if (i32.ge_u (local.get $found) (local.get $cap))
                  (then (return (i32.const -1))))
                (i32.store
                  (i32.add (local.get $out) (i32.shl (local.get $found) (i32.const 3)))
                  (local.get $p))
                (i32.store offset=4
                  (i32.add (local.get $out) (i32.shl (local.get $found) (i32.const 3)))
                  (local.get $index))
                (local.set $found (i32.add (local.get $found) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 12)))
            (br $nextSlot)))
        (local.set $r (i32.add (local.get $r) (i32.const 24)))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $nextProbe)))
    (local.get $found)))
