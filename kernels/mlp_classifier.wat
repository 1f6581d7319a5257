;; Dense-layer loops of the C2ST classifier (lib/diagnostics/mlp_classifier.ts), float32 in 128-bit SIMD.
;; The host owns the memory and the layout: every pointer is a byte offset, matrices are row-major.
(module
  (memory (import "env" "memory") 1)

  ;; y[0..n) += a · x[0..n)
  (func $axpy (param $y i32) (param $x i32) (param $a f32) (param $n i32)
    (local $end i32) (local $vectorEnd i32) (local $av v128)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vectorEnd (i32.add (local.get $y) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $av (f32x4.splat (local.get $a)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $y) (local.get $vectorEnd)))
        (v128.store (local.get $y)
          (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $av) (v128.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vectors)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $y) (local.get $end)))
        (f32.store (local.get $y)
          (f32.add (f32.load (local.get $y)) (f32.mul (local.get $a) (f32.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $tail))))

  ;; Σ x[i] · y[i] over [0, n)
  (func $dot (param $x i32) (param $y i32) (param $n i32) (result f32)
    (local $end i32) (local $vectorEnd i32) (local $acc v128) (local $sum f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vectorEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $acc (v128.const f32x4 0 0 0 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $x) (local.get $vectorEnd)))
        (local.set $acc
          (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $vectors)))
    (local.set $sum
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $tail)))
    (local.get $sum))

  ;; out = act(in · W + bias) for in [rows, fanIn], W [fanIn, fanOut]; act is ReLU when relu ≠ 0, else identity.
  (func (export "forward")
    (param $in i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $rows i32) (param $fanIn i32) (param $fanOut i32) (param $relu i32)
    (local $r i32) (local $k i32) (local $a f32) (local $rowBytes i32) (local $p i32) (local $end i32)
    (local.set $rowBytes (i32.shl (local.get $fanOut) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (memory.copy (local.get $out) (local.get $bias) (local.get $rowBytes))
        (local.set $k (i32.const 0))
        (block $inputsDone
          (loop $input
            (br_if $inputsDone (i32.ge_u (local.get $k) (local.get $fanIn)))
            (local.set $a (f32.load (i32.add (local.get $in) (i32.shl (local.get $k) (i32.const 2)))))
            ;; ReLU zeros are common, and free to skip.
            (if (f32.ne (local.get $a) (f32.const 0))
              (then
                (call $axpy (local.get $out) (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $rowBytes)))
                  (local.get $a) (local.get $fanOut))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $input)))
        (if (local.get $relu)
          (then
            (local.set $p (local.get $out))
            (local.set $end (i32.add (local.get $out) (local.get $rowBytes)))
            (block $reluDone
              (loop $clamp
                (br_if $reluDone (i32.ge_u (local.get $p) (local.get $end)))
                (if (f32.lt (f32.load (local.get $p)) (f32.const 0)) (then (f32.store (local.get $p) (f32.const 0))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $clamp)))))
        (local.set $in (i32.add (local.get $in) (i32.shl (local.get $fanIn) (i32.const 2))))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; gradW = inᵀ · delta + decay · W and gradBias = Σ_rows delta, for delta [rows, fanOut].
  (func (export "backward")
    (param $in i32) (param $delta i32) (param $w i32) (param $gradW i32) (param $gradBias i32)
    (param $rows i32) (param $fanIn i32) (param $fanOut i32) (param $decay f32)
    (local $r i32) (local $k i32) (local $a f32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $fanOut) (i32.const 2)))
    (memory.fill (local.get $gradW) (i32.const 0) (i32.mul (local.get $fanIn) (local.get $rowBytes)))
    (call $axpy (local.get $gradW) (local.get $w) (local.get $decay) (i32.mul (local.get $fanIn) (local.get $fanOut)))
    (memory.fill (local.get $gradBias) (i32.const 0) (local.get $rowBytes))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (call $axpy (local.get $gradBias) (local.get $delta) (f32.const 1) (local.get $fanOut))
        (local.set $k (i32.const 0))
        (block $inputsDone
          (loop $input
            (br_if $inputsDone (i32.ge_u (local.get $k) (local.get $fanIn)))
            (local.set $a (f32.load (i32.add (local.get $in) (i32.shl (local.get $k) (i32.const 2)))))
            (if (f32.ne (local.get $a) (f32.const 0))
              (then
                (call $axpy (i32.add (local.get $gradW) (i32.mul (local.get $k) (local.get $rowBytes))) (local.get $delta)
                  (local.get $a) (local.get $fanOut))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $input)))
        (local.set $in (i32.add (local.get $in) (i32.shl (local.get $fanIn) (i32.const 2))))
        (local.set $delta (i32.add (local.get $delta) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; deltaIn = (delta · Wᵀ) ⊙ [in > 0]: the error at a ReLU layer's input, for delta [rows, fanOut].
  (func (export "propagate")
    (param $in i32) (param $delta i32) (param $w i32) (param $out i32)
    (param $rows i32) (param $fanIn i32) (param $fanOut i32)
    (local $r i32) (local $k i32) (local $rowBytes i32) (local $at i32)
    (local.set $rowBytes (i32.shl (local.get $fanOut) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (block $inputsDone
          (loop $input
            (br_if $inputsDone (i32.ge_u (local.get $k) (local.get $fanIn)))
            (local.set $at (i32.shl (local.get $k) (i32.const 2)))
            (f32.store (i32.add (local.get $out) (local.get $at))
              (if (result f32) (f32.gt (f32.load (i32.add (local.get $in) (local.get $at))) (f32.const 0))
                (then
                  (call $dot (local.get $delta) (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $rowBytes)))
                    (local.get $fanOut)))
                (else (f32.const 0))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $input)))
        (local.set $in (i32.add (local.get $in) (i32.shl (local.get $fanIn) (i32.const 2))))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $fanIn) (i32.const 2))))
        (local.set $delta (i32.add (local.get $delta) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))))
