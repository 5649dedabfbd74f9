"""Settings the benchmarks give the app under test: production, with throwaway required values."""

PRODUCTION_ENV = {
    "APP_ENV": "production",
    # Production refuses to start without these (config.PRODUCTION_REQUIRED); nothing is paid here.
    "SITE_URL": "http://127.0.0.1",
    "BANK_TRANSFER_BANK_NAME": "Bank Uji",
    "BANK_TRANSFER_ACCOUNT_NUMBER": "000-000",
    "BANK_TRANSFER_ACCOUNT_HOLDER": "Benchmark",
}
