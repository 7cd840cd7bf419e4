# ./run.ps1 [flags]   run every case against the embedded Kestrel echo server (or --target URL); see ./run.ps1 --help
# ./run.ps1 list      list the cases a selection would run
# ./run.ps1 test      run the project's own tests (installs the real servers they need where it can)
# The same as ./run.sh, flag for flag and exit code for exit code.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    $rest = @($args | Select-Object -Skip 1)
    if (Get-Command bash -ErrorAction SilentlyContinue) {
        # Exit status 2: something this machine cannot install; the tests that need it are ignored, saying what they need.
        bash src/Conformance.Targets/external/install.sh
        if ($LASTEXITCODE -ne 0 -and $LASTEXITCODE -ne 2) { exit $LASTEXITCODE }
    }
    else {
        [Console]::Error.WriteLine('run.ps1: no bash for src/Conformance.Targets/external/install.sh; the tests that need a real server, Chromium or AFL++ are ignored')
    }
    dotnet build Conformance.sln -c Release --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    # One test project at a time: several at once on a small machine starve the cases' one-second timers.
    # The heavy cases (over 32 MiB each way: the largest of categories 9, 12 and 13) are left to ./run.ps1;
    # a --filter given here narrows that further.
    $filter = 'TestCategory!=Heavy'
    $others = @()
    for ($i = 0; $i -lt $rest.Count; $i++) {
        if ($rest[$i] -eq '--filter' -and $i + 1 -lt $rest.Count) { $filter = "($filter)&($($rest[$i + 1]))"; $i++ }
        elseif ($rest[$i] -like '--filter=*') { $filter = "($filter)&($($rest[$i].Substring(9)))" }
        else { $others += $rest[$i] }
    }
    dotnet test Conformance.sln -c Release --nologo --no-build '-m:1' --filter $filter @others
    exit $LASTEXITCODE
}

$log = & { $ErrorActionPreference = 'Continue'; dotnet build src/Conformance.Cli/Conformance.Cli.csproj -c Release --nologo -v quiet 2>&1 }
if ($LASTEXITCODE -ne 0) {
    $log | ForEach-Object { [Console]::Error.WriteLine("$_") }
    [Console]::Error.WriteLine('run.ps1: the build failed')
    exit 2
}
dotnet src/Conformance.Cli/bin/Release/net10.0/conformance.dll @args
exit $LASTEXITCODE
