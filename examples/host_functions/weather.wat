;; A module that needs two things from its host: temperatures (which only the host knows)
;; and a way to print. It converts each day's reading from Fahrenheit to Celsius.
(module $weather
  ;; fahrenheit(day) -> temperature: written in the raw stack form on the host side.
  (import "env" "fahrenheit" (func $fahrenheit (param i32) (result f64)))
  ;; print_celsius(day, celsius): written as a typed C++ lambda on the host side.
  (import "env" "print_celsius" (func $print_celsius (param i32 f64)))

  ;; report(days): prints days 0 .. days-1 in Celsius.
  (func $report (export "report") (param $days i32)
    (local $day i32)
    (block $done
      (loop $next
        local.get $day
        local.get $days
        i32.ge_u
        br_if $done
        local.get $day
        ;; (F - 32) * 5 / 9
        local.get $day
        call $fahrenheit
        f64.const 32
        f64.sub
        f64.const 5
        f64.mul
        f64.const 9
        f64.div
        call $print_celsius
        local.get $day
        i32.const 1
        i32.add
        local.set $day
        br $next))))
