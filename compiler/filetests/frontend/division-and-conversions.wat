;; Integer division and float→int truncation trap; the saturating form and sign extension
;; do not.
;;! test = frontend

(module
  (func (param i32 i32 f64) (result i32)
    (i32.add
      (i32.add (i32.div_s (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))
      (i32.add (i32.trunc_f64_s (local.get 2))
               (i32.add (i32.trunc_sat_f64_u (local.get 2)) (i32.extend8_s (local.get 0)))))))

;; expected:
;; function %f0(ref, i32, i32, f64) -> i32 {
;; block0(v0: ref, v1: i32, v2: i32, v3: f64):
;;     v4 = sdiv.i32 v1, v2
;;     v5 = urem.i32 v1, v2
;;     v6 = iadd.i32 v4, v5
;;     v7 = fcvt_to_sint.i32 v3
;;     v8 = fcvt_to_uint_sat.i32 v3
;;     v9 = sextend8.i32 v1
;;     v10 = iadd.i32 v8, v9
;;     v11 = iadd.i32 v7, v10
;;     v12 = iadd.i32 v6, v11
;;     return v12
;; }
