using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Conformance.Engine.Clients;

/// <summary>The certificate the suite presents when it serves clients over TLS (wss://): given, or made for the run.</summary>
public static class ServerCertificate
{
    /// <summary>
    /// A self-signed certificate for the names and addresses a client may connect to (localhost and the loopback
    /// addresses always), valid for a week from an hour ago, with its private key.
    /// </summary>
    public static X509Certificate2 SelfSigned(IEnumerable<IPAddress> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=conformance clients (self-signed for one run)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        foreach (var address in addresses.Append(IPAddress.Loopback).Append(IPAddress.IPv6Loopback).Distinct()
                     .Where(a => !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any)))
            names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7));
        // Through PKCS#12, so the key is one TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// A certificate from files: a PEM certificate with its PEM private key (key null: in the same file), or a
    /// PKCS#12 file (.pfx, .p12) without a password.
    /// </summary>
    /// <exception cref="CertificateFileException">The files cannot be read or hold no usable certificate with its key.</exception>
    public static X509Certificate2 Load(string certificate, string? key)
    {
        try
        {
            var isPkcs12 = Path.GetExtension(certificate).ToLowerInvariant() is ".pfx" or ".p12";
            if (isPkcs12 && key is not null) throw new CertificateFileException($"{key}: a PKCS#12 file ({certificate}) carries its own key; give no --key with it");
            var loaded = isPkcs12
                ? X509CertificateLoader.LoadPkcs12FromFile(certificate, null)
                : X509Certificate2.CreateFromPemFile(certificate, key);
            if (!loaded.HasPrivateKey) throw new CertificateFileException($"{certificate}: no private key for the certificate (give it with --key, or in the same PEM file)");
            return isPkcs12 ? loaded : X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CertificateFileException($"{certificate}{(key is null ? "" : $" with {key}")}: not a certificate with its private key ({e.Message.Split(Environment.NewLine)[0].TrimEnd('.')})");
        }
    }

    /// <summary>The certificate alone (no key) in PEM, for a client to trust.</summary>
    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";
}

public sealed class CertificateFileException(string message) : Exception(message);
