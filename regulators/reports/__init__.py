"""Periodic reports (issue #13): monthly and quarterly, per regulator unit and city-wide, in
Excel and PDF, archived with their SHA-256; the city-wide ones published to partner banks as
情况通报. The figures come from `regulators.metrics` (the dashboard's computations); this
package only lays them out, stores and guards them."""
