namespace Multilevel;

/// <summary>Marks an error caused by how the user wrote the request (formula syntax, option values),
/// which the command line reports with exit code 2 rather than 1.</summary>
public interface IUsageError;
