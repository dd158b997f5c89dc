using System.ComponentModel;
using System.Globalization;

namespace StellaOps.Ops.Contracts;

public sealed class DurationTypeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
        => sourceType == typeof(string) || sourceType == typeof(TimeSpan) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => value switch
    {
        string s => Duration.Parse(s),
        TimeSpan t => new Duration(t),
        _ => base.ConvertFrom(context, culture, value),
    };

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType)
        => destinationType == typeof(string) && value is Duration d ? d.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
