# ./run.ps1 [flags]   run every case against the embedded Kestrel echo server (or --target URL); see ./run.ps1 --help
# ./run.ps1 list      list the cases a selection would run
# ./run.ps1 test      run the project's own tests (the real-server tests need bash, apt-get and npm)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    $rest = @($args | Select-Object -Skip 1)
    if (Get-Command bash -ErrorAction SilentlyContinue) { bash src/Conformance.Targets/external/install.sh }
    dotnet build Conformance.sln -c Release --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    dotnet test Conformance.sln -c Release --nologo --no-build -m:1 @rest
    exit $LASTEXITCODE
}

$log = dotnet build src/Conformance.Cli/Conformance.Cli.csproj -c Release --nologo -v quiet 2>&1
if ($LASTEXITCODE -ne 0) {
    $log | Write-Error
    Write-Error 'run.ps1: the build failed'
    exit 2
}
dotnet src/Conformance.Cli/bin/Release/net10.0/conformance.dll @args
exit $LASTEXITCODE
