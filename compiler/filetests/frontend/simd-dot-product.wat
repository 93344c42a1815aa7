;; SIMD: a v128 load with offset, lane-wise multiply and add, a shuffle, a lane extract and a
;; v128 constant.
;;! test = frontend

(module
  (memory 1)
  (func (param $a i32) (param $b i32) (result i32)
    (local $acc v128)
    (local.set $acc
      (i32x4.add
        (i32x4.mul (v128.load (local.get $a)) (v128.load offset=16 (local.get $b)))
        (v128.const i32x4 1 2 3 4)))
    (local.set $acc
      (i32x4.add (local.get $acc)
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $acc) (local.get $acc))))
    (i32x4.extract_lane 0 (local.get $acc))))

;; expected:
;; function %f0(ref, i32, i32) -> i32 {
;; block0(v0: ref, v1: i32, v2: i32):
;;     v3 = load.v128 mem0 v1
;;     v4 = load.v128 mem0 v2+16
;;     v5 = i32x4.mul v3, v4
;;     v6 = vconst 0x00000004000000030000000200000001
;;     v7 = i32x4.add v5, v6
;;     v8 = i8x16.shuffle v7, v7, [8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7]
;;     v9 = i32x4.add v7, v8
;;     v10 = i32x4.extract_lane v9, 0
;;     return v10
;; }
